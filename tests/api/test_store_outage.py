"""The API outlives the store: uvicorn with two workers on PostgreSQL reached through a proxy the test
cuts. With the store down a worker is killed; its replacement must start anyway (a worker that fails
to start stops uvicorn, the healthy worker included), answer 503 with Retry-After, and once the store
is back every worker serves again within seconds, with no restart."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from domain.accounts.tokens import tokens_login
from tests.api.servers import uvicorn_workers, workers_of
from tests.api.tcp_proxy import CuttableProxy
from tests.support.factories import PASSWORD, make_user


@pytest.fixture
def proxy(pg_url: str) -> Iterator[CuttableProxy]:
    url = make_url(pg_url)
    found = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    yield found
    found.close()


def _through(pg_url: str, proxy: CuttableProxy) -> str:
    return make_url(pg_url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


def _wait(check: object, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {within} s: {check}")


def test_a_worker_replaced_while_the_store_is_down_serves_when_it_is_back(
        pg_url: str, proxy: CuttableProxy, tmp_path: Path) -> None:
    actor = make_user()
    token = tokens_login(email=actor.email, password=PASSWORD, address="t", refresh_days=1).access_token
    env = {"DATABASE_URL": _through(pg_url, proxy), "API_STORE_RETRY_SECONDS": "1"}
    with uvicorn_workers(env, tmp_path) as (server, base):
        mine = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert mine.get("/api/v1/notifications").status_code == 200
        proxy.cut()
        first = workers_of(server)
        assert len(first) == 2, first
        os.kill(first[0], signal.SIGKILL)
        log = tmp_path / "uvicorn.log"
        # The replacement has tried the store: it says so and serves 503, or (before the fix) it failed
        # to start and uvicorn stopped.
        _wait(lambda: server.poll() is not None or "store not ready" in log.read_text(), within=60)
        assert server.poll() is None, log.read_text()[-2000:]
        # uvicorn's supervisor may be between a replacement and the next (it replaces a worker that
        # misses its ping): wait for one, as it keeps two.
        _wait(lambda: len(set(workers_of(server)) - set(first)) == 1, within=30)
        for down in (httpx.get(f"{base}/readyz", timeout=5), mine.get("/api/v1/notifications")):
            assert down.status_code == 503 and down.headers["Retry-After"], down.text
        proxy.restore()
        _wait(lambda: all(mine.get("/api/v1/notifications").status_code == 200 for _ in range(10)),
              within=20)
        # Each worker finds the store back on its own (its retry every API_STORE_RETRY_SECONDS): ten
        # answers above may all have come from one, so both must be ready before the probe always is.
        _wait(lambda: all(httpx.get(f"{base}/readyz", timeout=5).status_code == 200 for _ in range(10)),
              within=20)
        assert server.poll() is None
