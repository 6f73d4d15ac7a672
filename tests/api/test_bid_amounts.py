"""Amounts as the API tells them: a refusal names the exact minimum (every paisa), and bidding what it
says is accepted; near the price cap, the minimum a lot advertises is one the API accepts."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient

from tests.api.support import API, auth, body
from tests.api.test_bids import place
from tests.support.factories import live_lot, make_user


def test_a_refusal_names_the_exact_minimum_and_it_can_be_bid(client: TestClient) -> None:
    lot = live_lot(reserve=None)
    body(place(client, auth(client, make_user()), lot.id or 0, "302500.23"), 201)
    body(place(client, auth(client, make_user()), lot.id or 0, "302000"), 201)  # outbid: now 3,02,500.23
    bidder = auth(client, make_user())
    refused = place(client, bidder, lot.id or 0, "304500")
    assert body(refused, 409)["minimum_next"] == "304500.23"
    assert "The lowest bid now is ₹3,04,500.23." in refused.json()["message"]
    assert body(place(client, bidder, lot.id or 0, "304500.23"), 201)["leading"]


def test_near_the_cap_the_advertised_minimum_is_accepted(client: TestClient) -> None:
    lot = live_lot(reserve=None)
    body(place(client, auth(client, make_user()), lot.id or 0, "99980000"), 201)
    body(place(client, auth(client, make_user()), lot.id or 0, "99990000"), 201)
    bidder = auth(client, make_user())
    minimum = body(client.get(f"{API}/lots/{lot.id}", headers=bidder), 200)["minimum_next"]
    assert Decimal(minimum) == Decimal("99999999.99")
    placed = body(place(client, bidder, lot.id or 0, minimum), 201)
    assert placed["leading"] and placed["minimum_next"] == minimum
