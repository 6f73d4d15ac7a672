"""Cars: list, search, create, read, edit, delete, and the Excel bulk upload with its row report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from anyio import to_thread
from fastapi.testclient import TestClient

from api.routes import cars as cars_routes
from tests.api.support import API, auth, body, error_fields
from tests.support.factories import car_fields, make_car, make_dealer, make_user
from tests.support.workbooks import cars_workbook, changed, valid_cars

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_create_read_edit_delete(client: TestClient) -> None:
    dealer = make_dealer()
    headers = auth(client, dealer)
    car = body(client.post(f"{API}/cars", headers=headers, json=car_fields()), 201)
    assert car["dealer_id"] == dealer.dealer_id and car["status"] == "available"
    detail = body(client.get(f"{API}/cars/{car['id']}", headers=auth(client, make_user())), 200)
    assert detail["car"]["vin"] == car["vin"] and detail["lot"] is None
    edited = body(client.put(f"{API}/cars/{car['id']}", headers=headers, json={"odometer_km": 50_000}), 200)
    assert edited["odometer_km"] == 50_000
    body(client.delete(f"{API}/cars/{car['id']}", headers=headers), 200)
    body(client.get(f"{API}/cars/{car['id']}", headers=headers), 404)


def test_invalid_car_fields_are_listed_one_each(client: TestClient) -> None:
    response = client.post(f"{API}/cars", headers=auth(client, make_dealer()),
                           json=car_fields(vin="1HGCM82633A00435X", year=1800, colour=""))
    body(response, 422)
    assert error_fields(response) == {"vin", "year", "colour"}
    typed = client.post(f"{API}/cars", headers=auth(client, make_dealer()), json=car_fields(fuel="steam"))
    body(typed, 422)
    assert error_fields(typed) == {"fuel"}


def test_only_a_verified_store_lists_and_only_its_own_cars(client: TestClient) -> None:
    body(client.post(f"{API}/cars", headers=auth(client, make_user()), json=car_fields()), 403)
    car = make_car(make_dealer())
    rival = auth(client, make_dealer())
    body(client.put(f"{API}/cars/{car.id}", headers=rival, json={"odometer_km": 1}), 403)
    body(client.delete(f"{API}/cars/{car.id}", headers=rival), 403)
    body(client.get(f"{API}/cars/{car.id}"), 401)


def test_list_and_search_with_filters_and_cursor(client: TestClient) -> None:
    dealer = make_dealer()
    for year in (2015, 2018, 2021):
        make_car(dealer, year=year, registration_year=year, fuel="diesel" if year == 2018 else "petrol")
    headers = auth(client, make_user())
    first = body(client.get(f"{API}/cars?limit=2", headers=headers), 200)
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = body(client.get(f"{API}/cars?limit=2&cursor={first['next_cursor']}", headers=headers), 200)
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    found = body(client.get(f"{API}/cars/search?fuel=diesel", headers=headers), 200)["items"]
    assert [c["title"][:4] for c in found] == ["2018"]
    newer = body(client.get(f"{API}/cars/search?year_min=2016&sort=year_newest", headers=headers), 200)
    assert [c["title"][:4] for c in newer["items"]] == ["2021", "2018"]
    bad = client.get(f"{API}/cars/search?year_min=2020&year_max=2010", headers=headers)
    body(bad, 422)
    assert error_fields(bad) == {"year"}
    body(client.get(f"{API}/cars?cursor=garbage", headers=headers), 422)


def _upload(client: TestClient, headers: dict[str, str], data: bytes, **form: str) -> httpx.Response:
    return client.post(f"{API}/cars/bulk-upload", headers=headers, data=form,
                       files={"file": ("cars.xlsx", data, XLSX)})


def test_bulk_upload_imports_a_valid_workbook_once(client: TestClient) -> None:
    dealer = make_dealer()
    headers = auth(client, dealer) | {"Idempotency-Key": "upload-0001"}
    data = cars_workbook(valid_cars(3, seed=11))
    first = _upload(client, headers, data)
    assert body(first, 201)["imported"] == 3
    again = _upload(client, headers, data)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    listed = body(client.get(f"{API}/dealers/{dealer.dealer_id}/cars", headers=headers), 200)
    assert len(listed["items"]) == 3
    other = _upload(client, headers, cars_workbook(valid_cars(2, seed=12)))
    body(other, 422)  # the same key for another file


def test_bulk_upload_reports_every_bad_row_and_imports_nothing(client: TestClient) -> None:
    dealer = make_dealer()
    headers = auth(client, dealer)
    cars = changed(valid_cars(3, seed=13), 1, year="soon")
    response = _upload(client, headers, cars_workbook(cars))
    report = body(response, 422)
    assert report["invalid"] == 1 and report["imported"] == 0
    bad = [row for row in report["rows"] if not row["valid"]]
    assert bad[0]["row"] == 3 and bad[0]["problems"][0]["column"] == "Year"
    dry = _upload(client, headers, cars_workbook(valid_cars(2, seed=14)), dry_run="true")
    assert body(dry, 200)["imported"] == 0
    body(_upload(client, headers, b"not a workbook"), 400)
    body(_upload(client, auth(client, make_user()), cars_workbook(valid_cars(1))), 403)


def test_a_workbook_runs_in_the_import_threads(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uploads take seconds: they get their own thread limit, so they never hold the worker's few
    threads for boards and bids."""
    limiters: list[object] = []
    run_sync = to_thread.run_sync

    async def recording(func: Callable[..., Any], *args: Any, limiter: object = None, **kw: Any) -> Any:
        if getattr(func, "func", None) is cars_routes._bulk_upload:
            limiters.append(limiter)
        return await run_sync(func, *args, limiter=limiter, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(cars_routes.to_thread, "run_sync", recording)
    response = _upload(client, auth(client, make_dealer()), cars_workbook(valid_cars(2, seed=15)))
    assert body(response, 201)["imported"] == 2
    assert limiters == [client.app.state.imports]  # type: ignore[attr-defined]
