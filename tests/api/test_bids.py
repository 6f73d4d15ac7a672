"""Bids through the API: the same bid_place, its errors as 409/422, idempotency, privacy, retraction,
voids, buy-now, the live board, the watchlist and notifications."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient

from tests.api.support import API, auth, body, error_fields
from tests.support.factories import live_lot, make_admin, make_dealer, make_user, move_auction


def place(client: TestClient, headers: dict[str, str], lot_id: int, amount: str, key: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(f"{API}/bids", headers=headers | extra, json={"lot_id": lot_id, "max_amount": amount})


def test_place_a_bid_and_retry_it(client: TestClient) -> None:
    lot = live_lot()
    headers = auth(client, make_user())
    first = body(place(client, headers, lot.id or 0, "350000", "bid-key-0001"), 201)
    assert first["outcome"] == "leading" and first["leading"] and Decimal(first["price"]) == 300000
    again = body(place(client, headers, lot.id or 0, "350000", "bid-key-0001"), 200)
    assert again["bid_id"] == first["bid_id"] and again["repeated"]
    assert len(body(client.get(f"{API}/bids", headers=headers), 200)) == 1


def test_rule_breaking_bids_are_conflicts_with_the_next_minimum(client: TestClient) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer)
    alice, bob = auth(client, make_user()), auth(client, make_user())
    body(place(client, alice, lot.id or 0, "400000"), 201)
    low = place(client, bob, lot.id or 0, "300000")
    assert body(low, 409)["minimum_next"] and error_fields(low) == {"max_amount"}
    body(place(client, auth(client, dealer), lot.id or 0, "500000"), 403)
    body(place(client, bob, 999999, "500000"), 404)
    bad = place(client, bob, lot.id or 0, "-5")
    body(bad, 422)
    assert error_fields(bad) == {"max_amount"}
    body(client.post(f"{API}/bids", headers=bob, json={"lot_id": lot.id}), 422)
    move_auction(lot.auction_id, starts=-timedelta(hours=1), first_close=-timedelta(seconds=1))
    body(place(client, bob, lot.id or 0, "900000"), 409)
    body(place(client, {}, lot.id or 0, "900000"), 401)


def test_a_bid_is_private_to_its_bidder_and_admins(client: TestClient) -> None:
    lot = live_lot()
    alice, bob, boss = make_user(), make_user(), make_admin()
    bid = body(place(client, auth(client, alice), lot.id or 0, "350000"), 201)
    mine = body(client.get(f"{API}/bids/{bid['bid_id']}", headers=auth(client, alice)), 200)
    assert Decimal(mine["max_amount"]) == 350000
    body(client.get(f"{API}/bids/{bid['bid_id']}", headers=auth(client, bob)), 404)
    body(client.get(f"{API}/bids/user/{alice.id}", headers=auth(client, bob)), 404)
    assert len(body(client.get(f"{API}/bids/user/{alice.id}", headers=auth(client, boss)), 200)) == 1
    seen = body(client.get(f"{API}/bids/{bid['bid_id']}", headers=auth(client, boss)), 200)
    assert seen["id"] == bid["bid_id"]


def test_raise_retract_and_void(client: TestClient) -> None:
    lot = live_lot(closes_in=timedelta(hours=5))
    alice, bob, boss = make_user(), make_user(), make_admin()
    a_headers = auth(client, alice)
    bid = body(place(client, a_headers, lot.id or 0, "350000"), 201)
    raised = body(client.put(f"{API}/bids/{bid['bid_id']}", headers=a_headers, json={"max_amount": "380000"}),
                  201)
    assert raised["outcome"] == "raised"
    body(client.put(f"{API}/bids/{bid['bid_id']}", headers=auth(client, bob), json={"max_amount": "390000"}),
         404)
    body(client.delete(f"{API}/bids/{bid['bid_id']}?reason=listing_changed", headers=a_headers), 409)
    body(client.delete(f"{API}/bids/{bid['bid_id']}?reason=bored", headers=a_headers), 422)
    body(client.delete(f"{API}/bids/{bid['bid_id']}?reason=mistyped", headers=auth(client, bob)), 404)
    body(client.delete(f"{API}/bids/{bid['bid_id']}?reason=mistyped&note=extra%20zero", headers=a_headers),
         200)
    other = body(place(client, auth(client, bob), lot.id or 0, "330000"), 201)
    body(client.post(f"{API}/bids/{other['bid_id']}/void", headers=a_headers, json={"reason": "Shill bid"}),
         403)
    body(client.post(f"{API}/bids/{other['bid_id']}/void", headers=auth(client, boss),
                     json={"reason": "Shill bid"}), 200)
    board = body(client.get(f"{API}/lots/{lot.id}", headers=a_headers), 200)
    assert board["leader"] == "you" and board["bid_count"] == 1


def test_the_live_board_hides_who_leads(client: TestClient) -> None:
    lot = live_lot()
    alice, bob = make_user(), make_user()
    body(place(client, auth(client, alice), lot.id or 0, "450000"), 201)
    seen = body(client.get(f"{API}/lots/{lot.id}", headers=auth(client, bob)), 200)
    assert seen["leader"].startswith("Bidder ") and not seen["you_lead"]
    assert seen["reserve_met"] and "reserve_price" not in seen and "leader_max" not in seen
    assert all(h["bidder"] != str(alice.id) for h in seen["history"])
    body(client.get(f"{API}/lots/999999", headers=auth(client, bob)), 404)


def test_buy_now_once(client: TestClient) -> None:
    lot = live_lot()
    headers = auth(client, make_user()) | {"Idempotency-Key": "buy-now-0001"}
    bought = body(client.post(f"{API}/lots/{lot.id}/buy-now", headers=headers), 201)
    assert Decimal(bought["price"]) == 600000
    again = body(client.post(f"{API}/lots/{lot.id}/buy-now", headers=headers), 200)
    assert again["bid_id"] == bought["bid_id"]
    body(client.post(f"{API}/lots/{lot.id}/buy-now", headers=auth(client, make_user())), 409)


def test_watchlist_and_notifications(client: TestClient) -> None:
    lot = live_lot()
    alice, bob = make_user(), make_user()
    headers = auth(client, alice)
    body(client.post(f"{API}/watchlist/{lot.id}", headers=headers), 201)
    assert [w["lot_id"] for w in body(client.get(f"{API}/watchlist", headers=headers), 200)] == [lot.id]
    body(client.post(f"{API}/watchlist/999999", headers=headers), 404)
    body(client.delete(f"{API}/watchlist/{lot.id}", headers=headers), 200)
    assert body(client.get(f"{API}/watchlist", headers=headers), 200) == []
    body(place(client, headers, lot.id or 0, "320000"), 201)
    body(place(client, auth(client, bob), lot.id or 0, "360000"), 201)
    notes = body(client.get(f"{API}/notifications", headers=headers), 200)
    assert [n["kind"] for n in notes] == ["outbid"] and not notes[0]["read"]
    body(client.post(f"{API}/notifications/read", headers=headers), 200)
    assert body(client.get(f"{API}/notifications", headers=headers), 200)[0]["read"]
    assert body(client.get(f"{API}/notifications", headers=auth(client, bob)), 200) == []
