"""The API against the `store` fixture (SQLite and PostgreSQL): a fresh app per test, so rate-limit
windows and the store breaker start empty."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api import breaker
from api.main import create_app
from api.settings import get_api_settings
from tests.support import stores


@pytest.fixture
def client(store: str) -> Iterator[TestClient]:
    yield from _client()


@pytest.fixture
def sqlite_client(sqlite_store: str) -> Iterator[TestClient]:
    yield from _client()


def _client() -> Iterator[TestClient]:
    get_api_settings.cache_clear()
    breaker.reset()
    yield TestClient(create_app(), raise_server_exceptions=False)
    get_api_settings.cache_clear()


@pytest.fixture
def pg_url(store_urls: dict[str, str]) -> Iterator[str]:
    """The run's PostgreSQL database, emptied: for tests that start real servers on it."""
    if "postgresql" not in store_urls:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("TEST_DATABASE_URL is required here (REQUIRE_POSTGRES=1) but not set")
        pytest.skip("this test needs PostgreSQL (TEST_DATABASE_URL)")
    stores.wipe(stores.use_store(store_urls["postgresql"]))
    yield store_urls["postgresql"]
    stores.reset_caches()
