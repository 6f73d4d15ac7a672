"""Stores: apply, admin review by PUT status, owner edits, suspension, statistics, cars and auctions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient

from domain.bidding.service import bid_place
from domain.bidding.settlement import settle_lot
from tests.api.support import API, auth, body
from tests.support.factories import make_admin, make_auction, make_dealer, make_user, move_auction

STORE = {"store_name": "Asha Motors", "address": "4 FC Road, Shivajinagar", "city": "Pune",
         "postal_code": "411005", "phone": "+91 98220 00000"}


def test_apply_review_and_edit(client: TestClient) -> None:
    owner, boss, stranger = make_user(), make_admin(), make_user()
    store = body(client.post(f"{API}/dealers", headers=auth(client, owner), json=STORE), 201)
    assert store["status"] == "pending"
    body(client.post(f"{API}/dealers", headers=auth(client, owner), json=STORE), 409)
    body(client.get(f"{API}/dealers/{store['id']}", headers=auth(client, stranger)), 404)
    listed = body(client.get(f"{API}/dealers?status=pending", headers=auth(client, boss)), 200)
    assert [d["id"] for d in listed] == [store["id"]]
    body(client.get(f"{API}/dealers", headers=auth(client, stranger)), 403)
    body(client.put(f"{API}/dealers/{store['id']}", headers=auth(client, owner),
                    json={"status": "verified"}), 403)
    body(client.put(f"{API}/dealers/{store['id']}", headers=auth(client, boss),
                    json={"status": "verified"}), 200)
    public = body(client.get(f"{API}/dealers/{store['id']}", headers=auth(client, stranger)), 200)
    assert public["store_name"] == "Asha Motors" and public["phone"] is None
    edited = body(client.put(f"{API}/dealers/{store['id']}", headers=auth(client, owner),
                             json=STORE | {"store_name": "Asha Motors & Sons"}), 200)
    assert edited["store_name"] == "Asha Motors & Sons"
    body(client.put(f"{API}/dealers/{store['id']}", headers=auth(client, stranger), json=STORE), 403)


def test_invalid_store_fields_are_listed(client: TestClient) -> None:
    response = client.post(f"{API}/dealers", headers=auth(client, make_user()),
                           json=STORE | {"postal_code": "!!", "store_name": "A"})
    body(response, 422)
    assert {e["field"] for e in response.json()["errors"]} == {"postal_code", "store_name"}


def test_admin_suspends_with_delete(client: TestClient) -> None:
    boss = make_admin()
    dealer = make_dealer(boss)
    own = auth(client, dealer)
    body(client.delete(f"{API}/dealers/{dealer.dealer_id}?reason=Fake%20papers", headers=own), 403)
    suspended = body(client.delete(f"{API}/dealers/{dealer.dealer_id}?reason=Fake%20papers",
                                   headers=auth(client, boss)), 200)
    assert suspended["status"] == "suspended"
    body(client.delete(f"{API}/dealers/{dealer.dealer_id}?reason=Again", headers=auth(client, boss)), 409)


def test_statistics_cars_and_auctions_of_a_store(client: TestClient) -> None:
    dealer, buyer = make_dealer(), make_user()
    auction = make_auction(dealer, 1)
    move_auction(auction.id or 0, starts=-timedelta(minutes=5), first_close=timedelta(minutes=1))
    shown = body(client.get(f"{API}/auctions/{auction.id}", headers=auth(client, buyer)), 200)
    lot_id = shown["lots"][0]["id"]
    bid_place(buyer, lot_id=lot_id, maximum=Decimal("450000"), key="stats-bid-1")
    move_auction(auction.id or 0, starts=-timedelta(minutes=5), first_close=-timedelta(seconds=1))
    assert settle_lot(lot_id)
    headers = auth(client, dealer)
    stats = body(client.get(f"{API}/dealers/{dealer.dealer_id}/statistics", headers=headers), 200)
    assert stats["auctions"] == 1 and stats["sold_lots"] == 1
    assert Decimal(stats["gross"]) == Decimal("400000") and Decimal(stats["earnings"]) > 0
    body(client.get(f"{API}/dealers/{dealer.dealer_id}/statistics", headers=auth(client, buyer)), 403)
    cars = body(client.get(f"{API}/dealers/{dealer.dealer_id}/cars", headers=headers), 200)
    assert len(cars["items"]) == 1
    auctions = body(client.get(f"{API}/dealers/{dealer.dealer_id}/auctions", headers=headers), 200)
    assert [a["id"] for a in auctions] == [auction.id]
    body(client.get(f"{API}/dealers/{dealer.dealer_id}/auctions", headers=auth(client, buyer)), 403)
