"""The moving window is stated twice: `admit` in Python (the store's count) and a script Redis runs
(data/rate_windows.py `_MOVING_WINDOW`). Fed the same hits, they must let through and refuse the same
ones, keep the same window and name the same hits behind a refusal."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import rate_windows
from data.rate_windows import admit, near
from tests.support.limits import REDIS, redis_up

T = 1_800_000_000.123456  # microseconds matter: Lua's own number-to-text would round them away
WINDOWS = (60.0, 3600.0)  # long, so a key's time to live never runs out during an example

# A hit's moment: quarter windows apart, back and forth (a clock behind, a replayed past), often exactly
# a window or two from another hit, sometimes a microsecond off that boundary.
moments = st.tuples(st.integers(-12, 12), st.sampled_from((0.0, 1e-6, -1e-6)))


@pytest.fixture(scope="module")
def client() -> Iterator[redis.Redis]:
    if not redis_up():
        pytest.skip("needs the Redis server at 127.0.0.1:6379")
    redis_client = rate_windows._redis(REDIS)
    assert redis_client is not None
    yield redis_client
    rate_windows.windows_forget()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.integers(1, 4), window=st.sampled_from(WINDOWS), steps=st.lists(moments, max_size=25))
def test_redis_and_the_store_decide_every_hit_alike(client: redis.Redis, limit: int, window: float,
                                                    steps: list[tuple[int, float]]) -> None:
    name = f"test-window-agreement:{uuid.uuid4().hex}"
    hits: list[float] = []  # what the store would hold
    try:
        for quarters, nudge in steps:
            at = T + quarters * window / 4 + nudge
            refused = rate_windows._redis_hit(client, name, limit, window, at)
            expected = admit(hits, at, limit, window)
            if expected is None:
                assert refused is not None and refused.near == near(hits, at, window)
            else:
                assert refused is None
                hits = expected
            kept = sorted(score for _, score in client.zrange(name, 0, -1, withscores=True))
            assert kept == hits
    finally:
        client.delete(name)
