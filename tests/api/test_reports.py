"""POST /reports: the same report_file as the lot page's form, its refusals as statuses. Both stores."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.support import API, auth, body, error_fields
from tests.support.factories import live_lot, make_dealer, make_user


def test_report_a_listing_a_seller_and_a_bidder_by_pseudonym(client: TestClient) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer)
    rival, reporter = auth(client, make_user()), auth(client, make_user())
    body(client.post(f"{API}/bids", headers=rival, json={"lot_id": lot.id, "max_amount": "320000"}), 201)
    board = body(client.get(f"{API}/lots/{lot.id}", headers=reporter), 200)
    pseudonym = board["history"][0]["bidder"]
    assert pseudonym.startswith("Bidder ")

    def report(headers: dict[str, str], **fields: object):  # type: ignore[no-untyped-def]
        return client.post(f"{API}/reports", headers=headers, json={"lot_id": lot.id, **fields})

    made = body(report(reporter, about="listing", reason="misleading", note="Not the car shown"), 201)
    assert made["id"] >= 1
    body(report(reporter, about="listing", reason="fraud"), 409)
    body(report(reporter, about="bidder", bidder=pseudonym, reason="shill_bidding"), 201)
    unknown = report(reporter, about="bidder", bidder="Bidder 0000", reason="abusive")
    assert error_fields(unknown) == {"bidder"}
    body(report(auth(client, dealer), about="seller", reason="fraud"), 403)
    assert error_fields(report(reporter, about="seller", reason="boring")) == {"reason"}
    body(client.post(f"{API}/reports", json={"lot_id": lot.id, "about": "listing", "reason": "fraud"}), 401)
