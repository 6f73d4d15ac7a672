"""An app server sets the garbage collector for a server before it takes requests (ops/collector.py)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from types import SimpleNamespace

import pytest

from ops import app_server
from ops.collector import YOUNG_THRESHOLD


@pytest.fixture
def thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_app_servers_lifespan_collects_the_young_generation_rarely(
        thresholds: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_server, "get_settings",
                        lambda: SimpleNamespace(runs_settlement=False, runs_mailer=False))
    seen = []

    @asynccontextmanager
    async def streamlit_lifespan(_app: object) -> AsyncIterator[None]:
        seen.append(gc.get_threshold())
        yield

    async def serve() -> None:
        async with app_server.with_ops(streamlit_lifespan)(object()):
            pass

    with ThreadPoolExecutor(1) as server_thread:  # this thread may hold a loop already (Playwright's)
        server_thread.submit(asyncio.run, serve()).result(timeout=10)
    assert seen == [(YOUNG_THRESHOLD, 10, 10)]
