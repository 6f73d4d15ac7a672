"""The API against the `store` fixture (SQLite and PostgreSQL): a fresh app per test, so rate-limit
windows and the store breaker start empty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api import breaker
from api.main import create_app
from api.settings import get_api_settings


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
