"""Auctions: draft, publish, edit by the lifecycle, delete a draft or cancel, bids and participants."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from data.types import utcnow
from domain.bidding.service import bid_place
from tests.api.support import API, auth, body, error_fields
from tests.support.factories import live_lot, make_admin, make_car, make_dealer, make_user


def spec(car_ids: list[int], **overrides: Any) -> dict[str, Any]:
    start = utcnow() + timedelta(hours=1)
    return {"title": "Pune weekend sale", "description": "Inspected cars.",
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
            "lots": [{"car_id": car_id, "starting_price": "300000", "reserve_price": "400000"}
                     for car_id in car_ids]} | overrides


def test_draft_publish_edit_and_cancel(client: TestClient) -> None:
    dealer, bidder = make_dealer(), make_user()
    headers = auth(client, dealer)
    car = make_car(dealer)
    draft = body(client.post(f"{API}/auctions", headers=headers, json=spec([car.id or 0])), 201)
    assert draft["status"] == "draft"
    body(client.get(f"{API}/auctions/{draft['id']}", headers=auth(client, bidder)), 404)
    edited = body(client.put(f"{API}/auctions/{draft['id']}", headers=headers,
                             json=spec([car.id or 0], title="Pune Sunday sale")), 200)
    assert edited["title"] == "Pune Sunday sale"
    body(client.put(f"{API}/auctions/{draft['id']}", headers=headers, json={"status": "scheduled"}), 200)
    seen = body(client.get(f"{API}/auctions/{draft['id']}", headers=auth(client, bidder)), 200)
    assert seen["card"]["phase"] == "scheduled" and len(seen["lots"]) == 1
    upcoming = body(client.get(f"{API}/auctions?phase=scheduled", headers=auth(client, bidder)), 200)
    assert [a["id"] for a in upcoming] == [draft["id"]]
    body(client.delete(f"{API}/auctions/{draft['id']}?reason=x", headers=headers), 422)
    body(client.delete(f"{API}/auctions/{draft['id']}?reason=Car%20sold%20privately", headers=headers), 200)
    cancelled = body(client.get(f"{API}/auctions/{draft['id']}", headers=auth(client, bidder)), 200)
    assert cancelled["card"]["phase"] == "cancelled"


def test_a_draft_is_deleted(client: TestClient) -> None:
    dealer = make_dealer()
    headers = auth(client, dealer)
    draft = body(client.post(f"{API}/auctions", headers=headers, json=spec([make_car(dealer).id or 0])), 201)
    body(client.delete(f"{API}/auctions/{draft['id']}", headers=headers), 200)
    body(client.get(f"{API}/auctions/{draft['id']}", headers=headers), 404)


def test_bad_auctions_are_refused_field_by_field(client: TestClient) -> None:
    dealer = make_dealer()
    headers = auth(client, dealer)
    past = (utcnow() - timedelta(days=1)).isoformat()
    response = client.post(f"{API}/auctions", headers=headers,
                           json=spec([make_car(dealer).id or 0], starts_at=past, title="x"))
    body(response, 422)
    assert {"starts_at", "title"} <= error_fields(response)
    foreign = make_car(make_dealer())
    body(client.post(f"{API}/auctions", headers=headers, json=spec([foreign.id or 0])), 422)
    body(client.post(f"{API}/auctions", headers=auth(client, make_user()), json=spec([foreign.id or 0])), 403)
    naive = spec([make_car(dealer).id or 0], starts_at="2030-01-01T10:00:00")
    body(client.post(f"{API}/auctions", headers=headers, json=naive), 422)


def test_a_live_auction_is_cancelled_only_by_an_admin(client: TestClient) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer)
    body(client.delete(f"{API}/auctions/{lot.auction_id}?reason=Changed%20my%20mind",
                       headers=auth(client, dealer)), 409)
    body(client.delete(f"{API}/auctions/{lot.auction_id}?reason=Fraud%20reported",
                       headers=auth(client, make_admin())), 200)


def test_bids_and_participants_of_an_auction(client: TestClient) -> None:
    lot = live_lot()
    alice, bob = make_user(), make_user()
    bid_place(alice, lot_id=lot.id or 0, maximum=Decimal("320000"), key="auction-bid-1")
    bid_place(bob, lot_id=lot.id or 0, maximum=Decimal("350000"), key="auction-bid-2")
    headers = auth(client, alice)
    for path in (f"/auctions/{lot.auction_id}/bids", f"/bids/auction/{lot.auction_id}"):
        response = client.get(f"{API}{path}", headers=headers)
        bids = body(response, 200)
        assert [b["bidder"] == "you" for b in bids] == [False, True]
        assert all("max_amount" not in b for b in bids)
        assert response.json()["pagination"]["total"] == 2
    people = body(client.get(f"{API}/auctions/{lot.auction_id}/participants", headers=headers), 200)
    assert people["count"] == 2 and [p["you"] for p in people["participants"]] == [True, False]
    body(client.get(f"{API}/auctions/999999/participants", headers=headers), 404)
