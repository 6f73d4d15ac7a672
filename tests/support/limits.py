"""The marketplace's limits made small for a test, counted in the store or in Redis."""

from __future__ import annotations

import socket
import uuid

import pytest

from data.rate_windows import windows_forget
from data.settings import get_settings

REDIS = "redis://127.0.0.1:6379/15"


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def tight_limits(monkeypatch: pytest.MonkeyPatch, *, redis: bool = False, **limits: int) -> None:
    """E.g. `tight_limits(mp, bids_per_user_per_minute=2)`; with `redis`, windows live in Redis under a
    prefix of this test's own (store ids restart with every test; keys must not meet another's)."""
    for name, value in limits.items():
        monkeypatch.setenv(name.upper(), str(value))
    if redis:
        if not redis_up():
            pytest.skip("needs the Redis server at 127.0.0.1:6379")
        monkeypatch.setenv("REDIS_URL", REDIS)
        monkeypatch.setenv("REDIS_PREFIX", f"test-{uuid.uuid4().hex}")
    get_settings.cache_clear()
    windows_forget()
