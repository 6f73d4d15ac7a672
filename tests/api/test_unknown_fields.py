"""A field the API does not know is refused (422 naming it), never ignored: a bid body carrying another
user's `bidder_id` or a `status` must not be answered 201 as if it were a plain bid. Every write route
in the OpenAPI schema is tried, whatever its body: a JSON model, a form, or none at all."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.api.support import API, auth, body, error_fields
from tests.api.test_bids import place
from tests.support.factories import live_lot, make_admin, make_user

UNKNOWN = "not_a_field"
WRITES = ("post", "put", "patch", "delete")


def write_routes(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec = client.get(f"{API}/openapi.json").json()
    routes = [(method, path, operation) for path, operations in spec["paths"].items()
              for method, operation in operations.items() if method in WRITES]
    return sorted(routes, key=lambda route: route[1].endswith("/logout"))  # signing out last


def send_with_unknown(client: TestClient, method: str, path: str, operation: dict[str, Any],
                      headers: dict[str, str]) -> httpx.Response:
    url = re.sub(r"\{[^}]+\}", "1", path)
    content = operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        return client.request(method, url, headers=headers, data={UNKNOWN: "x"},
                              files={"file": ("cars.xlsx", b"PK", "application/octet-stream")})
    return client.request(method, url, headers=headers, json={UNKNOWN: "x"})


def test_every_write_route_refuses_an_unknown_field(sqlite_client: TestClient) -> None:
    client = sqlite_client
    headers = auth(client, make_admin())
    routes = write_routes(client)
    assert len(routes) >= 20
    accepted = []
    for method, path, operation in routes:
        response = send_with_unknown(client, method, path, operation, headers)
        fields = error_fields(response) if response.status_code == 422 else set()
        if not any(field.split(".")[-1] == UNKNOWN for field in fields):
            accepted.append((method.upper(), path, response.status_code, sorted(fields)))
    assert not accepted, accepted


def test_a_bid_with_someone_elses_bidder_id_or_a_status_is_refused_and_places_nothing(
        client: TestClient) -> None:
    lot = live_lot()
    me, other = make_user(), make_user()
    headers = auth(client, me)
    for extra in ({"bidder_id": other.id}, {"status": "voided"}):
        refused = client.post(f"{API}/bids", headers=headers,
                              json={"lot_id": lot.id, "max_amount": "350000"} | extra)
        body(refused, 422)
        assert error_fields(refused) == set(extra), refused.text
    assert body(client.get(f"{API}/bids", headers=headers), 200) == []
    assert body(place(client, headers, lot.id or 0, "350000"), 201)["leading"]
