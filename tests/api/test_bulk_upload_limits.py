"""The upload route and hostile workbooks: each answers 400 "too complex" within seconds, several
at once do not hold up an honest upload, and a server with every sandbox slot taken says 503."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from data import sandbox
from tests.api.support import API, auth, body
from tests.support.factories import make_dealer
from tests.support.memory import peak_mb, rss_mb
from tests.support.workbooks import cars_workbook, shared_string_bomb, styled_cells_bomb, valid_cars, zip_bomb

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECONDS = 10.0


def upload(client: TestClient, headers: dict[str, str], data: bytes) -> httpx.Response:
    return client.post(f"{API}/cars/bulk-upload", headers=headers, data={"dry_run": "true"},
                       files={"file": ("cars.xlsx", data, XLSX)})


@pytest.mark.parametrize("make", [shared_string_bomb, styled_cells_bomb, zip_bomb],
                         ids=["shared strings", "styled cells", "zip"])
def test_a_hostile_workbook_is_refused_within_seconds(client: TestClient, make: object) -> None:
    assert callable(make)
    data, headers = make(), auth(client, make_dealer())
    rss, peak, started = rss_mb(), peak_mb(), time.monotonic()
    refusal = upload(client, headers, data)
    assert time.monotonic() - started < SECONDS
    body(refusal, 400)
    assert refusal.json()["message"].startswith("This file is too complex:")
    assert rss_mb() - rss < 60 and peak_mb() - peak < 60


def test_bombs_sent_together_do_not_hold_up_an_honest_upload(client: TestClient) -> None:
    headers = auth(client, make_dealer())
    files = [shared_string_bomb(), styled_cells_bomb(), cars_workbook(valid_cars(200))]
    started = time.monotonic()
    with client, ThreadPoolExecutor(len(files)) as pool:  # one event loop serves the three at once
        *refused, honest = pool.map(lambda data: upload(client, headers, data), files)
    assert [response.status_code for response in refused] == [400, 400]
    assert body(honest, 200)["valid"] == 200
    assert time.monotonic() - started < 2 * SECONDS


def test_with_every_slot_taken_the_server_says_come_back(client: TestClient,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "_slots", threading.BoundedSemaphore(1))
    sandbox._slots.acquire()
    monkeypatch.setattr("data.excel_cars.READ_LIMITS",
                        sandbox.Limits(cpu_seconds=5, memory_bytes=2**30, wall_seconds=0.5))
    busy = upload(client, auth(client, make_dealer()), cars_workbook(valid_cars(2)))
    body(busy, 503)
    assert busy.headers["Retry-After"] == "30" and "again in a minute" in busy.json()["message"]
