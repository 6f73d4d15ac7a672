"""An Idempotency-Key names one request. A retry with the same body gets the first answer; the same
key with a different body is refused (422, naming the Idempotency-Key) and changes nothing, as the
IETF Idempotency-Key draft asks, on every route that takes the header (found in the OpenAPI schema,
so a new idempotent route must be added here)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from data.models import Bid
from data.uow import UnitOfWork
from tests.api.support import API, auth, body, error_fields
from tests.api.test_cars import _upload
from tests.support.factories import live_lot, make_dealer, make_user
from tests.support.workbooks import cars_workbook, valid_cars

KEY = {"Idempotency-Key": "the-same-key-0001"}
Reuse = Callable[[TestClient], tuple[httpx.Response, list[httpx.Response]]]


def _bids() -> int:
    with UnitOfWork(write=False) as uow:
        return int(uow.session.exec(select(func.count()).select_from(Bid)).one())


def bid_then_others(client: TestClient) -> tuple[httpx.Response, list[httpx.Response]]:
    lot, other = live_lot(), live_lot()
    headers = auth(client, make_user()) | KEY

    def place(lot_id: int | None, amount: str) -> httpx.Response:
        return client.post(f"{API}/bids", headers=headers, json={"lot_id": lot_id, "max_amount": amount})

    first = place(lot.id, "350000")
    return first, [place(lot.id, "360000"), place(lot.id, "350000.01"), place(other.id, "350000"),
                   client.post(f"{API}/lots/{lot.id}/buy-now", headers=headers)]


def raise_then_others(client: TestClient) -> tuple[httpx.Response, list[httpx.Response]]:
    lot = live_lot()
    headers = auth(client, make_user())
    bid = body(client.post(f"{API}/bids", headers=headers, json={"lot_id": lot.id, "max_amount": "350000"}),
               201)

    def raise_to(amount: str) -> httpx.Response:
        return client.put(f"{API}/bids/{bid['bid_id']}", headers=headers | KEY, json={"max_amount": amount})

    return raise_to("380000"), [raise_to("390000")]


def buy_then_others(client: TestClient) -> tuple[httpx.Response, list[httpx.Response]]:
    lot, other = live_lot(reserve=None), live_lot(reserve=None)
    headers = auth(client, make_user()) | KEY
    first = client.post(f"{API}/lots/{lot.id}/buy-now", headers=headers)
    return first, [client.post(f"{API}/lots/{other.id}/buy-now", headers=headers),
                   client.post(f"{API}/bids", headers=headers, json={"lot_id": lot.id,
                                                                     "max_amount": "600000"})]


def upload_then_others(client: TestClient) -> tuple[httpx.Response, list[httpx.Response]]:
    headers = auth(client, make_dealer()) | KEY
    first = _upload(client, headers, cars_workbook(valid_cars(2, seed=21)))
    return first, [_upload(client, headers, cars_workbook(valid_cars(2, seed=22))),
                   _upload(client, headers, cars_workbook(valid_cars(2, seed=21)), dry_run="true")]


REUSES: dict[tuple[str, str], Reuse] = {
    ("post", "/api/v1/bids"): bid_then_others,
    ("put", "/api/v1/bids/{bid_id}"): raise_then_others,
    ("post", "/api/v1/lots/{lot_id}/buy-now"): buy_then_others,
    ("post", "/api/v1/cars/bulk-upload"): upload_then_others,
}


def test_every_route_that_takes_an_idempotency_key_is_checked_here(sqlite_client: TestClient) -> None:
    spec = sqlite_client.get(f"{API}/openapi.json").json()
    takes_key = {(method, path) for path, operations in spec["paths"].items()
                 for method, operation in operations.items()
                 if any(p["name"].lower() == "idempotency-key" for p in operation.get("parameters", []))}
    assert takes_key == set(REUSES)


@pytest.mark.parametrize("route", list(REUSES), ids=[f"{m} {p}" for m, p in REUSES])
def test_a_key_reused_with_another_body_is_refused_and_changes_nothing(
        client: TestClient, route: tuple[str, str]) -> None:
    first, reuses = REUSES[route](client)
    assert first.status_code in (200, 201), first.text
    bids = _bids()
    for reuse in reuses:
        body(reuse, 422)
        assert error_fields(reuse) == {"Idempotency-Key"}, reuse.text
        assert "already used" in reuse.json()["errors"][0]["message"]
    assert _bids() == bids
