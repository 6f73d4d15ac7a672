"""The marketplace's limits through the API: the domain's rule (the same as the pages'), 429 with
Retry-After, nothing written. Both stores."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.support import API, auth, body
from tests.support.factories import PASSWORD, live_lot, lot_now, make_user
from tests.support.limits import tight_limits


def test_bids_past_the_limit_are_429_and_place_nothing(client: TestClient,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, bids_per_user_per_minute=2)
    lot = live_lot()
    headers = auth(client, make_user())
    for amount in ("310000", "320000"):
        body(client.post(f"{API}/bids", headers=headers, json={"lot_id": lot.id, "max_amount": amount}), 201)
    refused = client.post(f"{API}/bids", headers=headers, json={"lot_id": lot.id, "max_amount": "330000"})
    body(refused, 429)
    assert "try again in" in refused.json()["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    body(client.post(f"{API}/lots/{lot.id}/buy-now", headers=headers), 429)
    assert lot_now(lot.id).bid_count == 2 and lot_now(lot.id).outcome is None


def test_registrations_past_the_limit_per_address_are_429(client: TestClient,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, registrations_per_address_per_hour=1)

    def register(n: int):  # type: ignore[no-untyped-def]
        return client.post(f"{API}/auth/register",
                           json={"email": f"api{n}@example.com", "name": "Api Person", "password": PASSWORD})

    body(register(1), 201)
    refused = register(2)
    assert "No account was created" in refused.json()["message"]
    body(refused, 429)
    assert int(refused.headers["Retry-After"]) > 60
    body(client.post(f"{API}/auth/login", json={"email": "api2@example.com", "password": PASSWORD}), 401)
