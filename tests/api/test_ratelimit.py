"""Rate limits: shared through Redis by every worker, per process in memory, and never an outage."""

from __future__ import annotations

import socket
import time
import uuid

import pytest

from api.errors import ApiError
from api.ratelimit import RateLimits
from api.settings import ApiSettings
from tests.api.support import clear_of_a_minute_boundary

REDIS = "redis://127.0.0.1:6379/15"


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def limits(redis_url: str | None) -> RateLimits:
    return RateLimits(ApiSettings(redis_url=redis_url, rate_per_token="3/minute"))


@pytest.mark.skipif(not redis_up(), reason="needs the Redis server at 127.0.0.1:6379")
def test_two_workers_share_one_window_in_redis() -> None:
    first, second, key = limits(REDIS), limits(REDIS), uuid.uuid4().hex
    clear_of_a_minute_boundary()
    first.hit("token", key)
    second.hit("token", key)
    first.hit("token", key)
    with pytest.raises(ApiError) as refused:
        second.hit("token", key)
    assert refused.value.status == 429 and int(refused.value.headers["Retry-After"]) >= 1


def test_memory_limits_are_per_process() -> None:
    first, second, key = limits(None), limits(None), "user-1"
    clear_of_a_minute_boundary()
    for _ in range(3):
        first.hit("token", key)
    second.hit("token", key)  # another process has its own window
    with pytest.raises(ApiError):
        first.hit("token", key)


def test_an_unreachable_limiter_lets_requests_through() -> None:
    broken = limits("redis://127.0.0.1:1/0")
    for _ in range(5):
        broken.hit("token", "user-1")


@pytest.mark.parametrize("redis_url", [None, pytest.param(REDIS, marks=pytest.mark.skipif(
    not redis_up(), reason="needs the Redis server at 127.0.0.1:6379"))])
def test_login_limits_are_exact_across_a_minute_boundary(
        monkeypatch: pytest.MonkeyPatch, redis_url: str | None) -> None:
    clock = [1_800_000_000.0 - 0.5]  # half a second before a whole minute
    monkeypatch.setattr(time, "time", lambda: clock[0])
    login, account = limits(redis_url), f"{uuid.uuid4().hex}@example.com"
    for _ in range(10):
        login.hit("login_account", account)
    clock[0] += 1.0  # a new minute: ten attempts are still within the last 60 s
    with pytest.raises(ApiError) as refused:
        login.hit("login_account", account)
    assert refused.value.status == 429
