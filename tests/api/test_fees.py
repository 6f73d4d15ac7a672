"""Fees over HTTP: anyone signed in reads the schedules, admins set them, the dealer no longer chooses the
buyer's premium (an auction body naming it is refused), and a lot shows the premium at its price."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from data.types import utcnow
from tests.api.support import API, auth, body, error_fields
from tests.api.test_auctions import spec
from tests.support.factories import live_lot, make_admin, make_car, make_dealer, make_user

TIERED = {"bands": [{"from_price": "0", "percent": "10", "minimum": "2000"},
                    {"from_price": "500000", "percent": "4", "maximum": "30000"}], "note": "tiers"}


def test_admins_set_the_premium_and_everyone_signed_in_reads_it(client: TestClient) -> None:
    admin, bidder = make_admin(), make_user()
    body(client.get(f"{API}/fees"), 401)
    set_ = body(client.put(f"{API}/fees/buyer-premium", headers=auth(client, admin), json=TIERED), 200)
    assert [band["percent"] for band in set_["bands"]] == ["10.00", "4.00"] and set_["version"]
    fees = body(client.get(f"{API}/fees", headers=auth(client, bidder)), 200)
    assert fees["buyer_premium"] == set_ and fees["buyer_premium_next"] is None
    assert fees["dealer_id"] is None and fees["seller_fee_default"]["version"] is None  # the built-in 0
    history = body(client.get(f"{API}/fees/history?kind=buyer_premium", headers=auth(client, admin)), 200)
    assert [item["version"] for item in history] == [set_["version"]] and history[0]["note"] == "tiers"
    assert history[0]["schedule"] == set_


def test_only_admins_set_fees(client: TestClient) -> None:
    dealer = make_dealer()
    headers = auth(client, dealer)
    body(client.put(f"{API}/fees/buyer-premium", headers=headers, json=TIERED), 403)
    body(client.put(f"{API}/fees/seller-fee", headers=headers, json=TIERED), 403)
    body(client.put(f"{API}/fees/seller-fee/dealers/{dealer.dealer_id}", headers=headers, json=TIERED), 403)
    body(client.get(f"{API}/fees/history?kind=seller_fee", headers=headers), 403)
    mine = body(client.get(f"{API}/fees", headers=headers), 200)
    assert mine["dealer_id"] == dealer.dealer_id and not mine["dealer_has_own_fee"]


def test_a_bad_schedule_is_refused_field_by_field(client: TestClient) -> None:
    headers = auth(client, make_admin())
    unsorted = {"bands": [{"from_price": "0"}, {"from_price": "0", "percent": "1"}]}
    assert "bands" in error_fields(client.put(f"{API}/fees/buyer-premium", headers=headers, json=unsorted))
    limits = {"bands": [{"from_price": "0", "minimum": "10", "maximum": "5"}]}
    assert "band 1" in error_fields(client.put(f"{API}/fees/buyer-premium", headers=headers, json=limits))
    past = {"bands": [{"from_price": "0"}], "effective_from": (utcnow() - timedelta(hours=1)).isoformat()}
    refused = client.put(f"{API}/fees/buyer-premium", headers=headers, json=past)
    assert "effective_from" in error_fields(refused)
    body(client.put(f"{API}/fees/buyer-premium", headers=headers,
                    json={"bands": [{"from_price": "0", "percent": "101"}]}), 422)
    body(client.put(f"{API}/fees/buyer-premium", headers=headers, json={"bands": [{"from_price": "0"}],
                                                                      "premium_max": "5"}), 422)
    assert body(client.get(f"{API}/fees/history?kind=buyer_premium", headers=headers), 200) == []


def test_a_dealers_own_fee_and_back_to_the_default(client: TestClient) -> None:
    admin, dealer = make_admin(), make_dealer()
    headers = auth(client, admin)
    path = f"{API}/fees/seller-fee/dealers/{dealer.dealer_id}"
    own = body(client.put(path, headers=headers, json={"bands": [{"from_price": "0", "flat": "3500"}]}), 200)
    assert own["bands"][0]["flat"] == "3500.00"
    assert body(client.get(f"{API}/fees", headers=auth(client, dealer)), 200)["dealer_has_own_fee"]
    back = body(client.put(path, headers=headers, json={"bands": None}), 200)
    assert back["bands"][0]["flat"] == "0.00"  # the platform default (the built-in one: none stored)
    body(client.put(f"{API}/fees/seller-fee/dealers/999999", headers=headers, json={"bands": None}), 404)


def test_the_dealer_no_longer_chooses_the_premium(client: TestClient) -> None:
    dealer = make_dealer()
    car = make_car(dealer)
    refused = client.post(f"{API}/auctions", headers=auth(client, dealer),
                          json=spec([car.id or 0], buyer_premium_pct="2"))
    assert refused.status_code == 422 and "buyer_premium_pct" in error_fields(refused)
    draft = body(client.post(f"{API}/auctions", headers=auth(client, dealer), json=spec([car.id or 0])), 201)
    assert "buyer_premium_pct" not in draft


def test_a_lot_shows_the_premium_at_its_price(client: TestClient) -> None:
    body(client.put(f"{API}/fees/buyer-premium", headers=auth(client, make_admin()), json=TIERED), 200)
    lot = body(client.get(f"{API}/lots/{live_lot().id}", headers=auth(client, make_user())), 200)
    assert (lot["buyer_premium"], lot["buyer_premium_pct"]) == ("30000.00", "10.00")  # 10 % of 3,00,000
    assert lot["premium_schedule_version"] is not None
