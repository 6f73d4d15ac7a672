"""Where the marketplace's rate limits keep their count: Redis when REDIS_URL is set, else the store.

A limit is a moving window, exact: a hit is let through when fewer than `limit` hits lie within
`window` seconds of it, on both sides (`admit`). Either way the window is read, decided and written
atomically. In Redis it is a sorted set of hits scored by their time, decided by one script
(`_MOVING_WINDOW`) in one round trip whatever the window holds; in the store it is one locked row (an
upsert that returns it: `FOR UPDATE` semantics on PostgreSQL, the write lock of `BEGIN IMMEDIATE` on
SQLite) decided by `admit`. The rule is stated twice, once per language, and a property test holds the
two to the same answers (tests/integration/test_rate_window_agreement.py). If Redis cannot be reached,
the store counts instead: a limit never takes bidding down, and every process still shares the count.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from functools import lru_cache

import redis
from redis.commands.core import Script
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from data.models import RateWindow
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork

log = logging.getLogger(__name__)
Hits = list[float]


@dataclass(frozen=True)
class Refused:
    """A hit the window refused: the moment it was decided at, and the hits within a window of it."""

    at: float
    near: Hits


def admit(hits: Hits, now: float, limit: int, window: float) -> Hits | None:
    """The hits to keep with one at `now` added, or None when `limit` hits already lie within `window`
    seconds of `now`. Within, on both sides: a process whose clock runs a little behind still counts
    the hits of the others, while a caller replaying the past (seeding, with `now` days back) is not
    refused for the hits of another day."""
    if len(near(hits, now, window)) >= limit:
        return None
    # Hits more than two windows old matter to no one (one window, plus one for a clock running behind):
    # dropped, so a generous limit keeps a few minutes of hits, not `limit` of them forever.
    return sorted([hit for hit in hits if hit > now - 2 * window] + [now])[-limit:]


def near(hits: Hits, now: float, window: float) -> Hits:
    """The hits within `window` seconds of `now`, oldest first (the bounds as the script computes them)."""
    low, high = now - window, now + window
    return sorted(hit for hit in hits if low < hit < high)


def window_hit(scope: str, key: str, *, limit: int, window: float, at: float | None = None) -> Refused | None:
    """Count one hit of (scope, key) at `at` (seconds since the epoch; None: now), or refuse it and
    change nothing. None when it was let through. A window untouched for `window` seconds is forgotten."""
    settings = get_settings()
    client = _redis(settings.redis_url)
    if client is not None:
        try:
            return _redis_hit(client, f"{settings.redis_prefix}:window:{scope}:{key}", limit, window, at)
        except redis.RedisError as error:
            log.warning("rate windows: Redis unavailable, counting in the store", extra={"error": str(error)})
    return _store_hit(scope, key, limit, window, at)


@lru_cache(maxsize=4)
def _redis(url: str | None) -> redis.Redis | None:
    """One client (a thread-safe connection pool) per process and URL."""
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1) if url else None


# `admit` in Lua, run by Redis atomically. KEYS[1] the window; ARGV: the hit's time, the window (s), the
# limit, the key's time to live (ms), a member name no other hit has. Answers {1} when the hit is let
# through and recorded, else {0, the near hits' times} (at most `limit`: the set keeps no more).
# Counting first keeps a let-through hit's cost logarithmic in the window's size, not linear. Bounds go
# through '%.17g', which turns a double into text and back exactly (Lua's own conversion keeps 14
# digits: too few for a time in microseconds).
_MOVING_WINDOW = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local function exclusive(t) return '(' .. string.format('%.17g', t) end
local low, high = exclusive(now - window), exclusive(now + window)
if redis.call('ZCOUNT', KEYS[1], low, high) >= limit then
  local near, times = redis.call('ZRANGEBYSCORE', KEYS[1], low, high, 'WITHSCORES'), {}
  for i = 2, #near, 2 do times[#times + 1] = near[i] end
  return {0, times}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.17g', now - 2 * window))
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(limit + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1}
"""


@lru_cache(maxsize=4)
def _moving_window(client: redis.Redis) -> Script:
    return client.register_script(_MOVING_WINDOW)  # EVALSHA, loading the script again if Redis lost it


def _redis_hit(client: redis.Redis, name: str, limit: int, window: float, at: float | None) -> Refused | None:
    moment = utcnow().timestamp() if at is None else at
    answer = _moving_window(client)(keys=[name], args=[repr(moment), repr(window), limit,
                                                       max(1, int(window * 1000)), _member(moment)])
    return None if answer[0] == 1 else Refused(moment, [float(hit) for hit in answer[1]])


def _member(moment: float) -> str:
    """The hit's name in its sorted set: unique, so two hits at one moment are two hits."""
    return f"{moment!r}:{secrets.token_hex(6)}"


def _store_hit(scope: str, key: str, limit: int, window: float, at: float | None) -> Refused | None:
    with UnitOfWork() as uow:
        hits = _hits(_locked_hits(uow, scope, key))
        moment = utcnow().timestamp() if at is None else at  # read once locked: hits recorded in order
        kept = admit(hits, moment, limit, window)
        if kept is None:
            return Refused(moment, near(hits, moment, window))  # rolled back: a refused hit changes nothing
        uow.session.execute(update(RateWindow)
                            .where(col(RateWindow.scope) == scope, col(RateWindow.key) == key)
                            .values(hits=json.dumps(kept)))
        uow.commit()
        return None


def _locked_hits(uow: UnitOfWork, scope: str, key: str) -> str:
    """The window's row, made if missing, locked until the transaction ends: an upsert whose no-op
    update takes the row lock, so concurrent hits on one key queue here, in one round trip."""
    dialect = postgresql if uow.dialect == "postgresql" else sqlite
    table = RateWindow.__table__  # type: ignore[attr-defined]
    statement = (dialect.insert(table).values(scope=scope, key=key, hits="[]")
                 .on_conflict_do_update(index_elements=["scope", "key"], set_={"scope": table.c.scope})
                 .returning(table.c.hits))
    return str(uow.session.execute(statement).scalar_one())


def _hits(stored: str) -> Hits:
    return [float(hit) for hit in json.loads(stored)] if stored else []


def windows_forget() -> None:
    """Drop the cached Redis clients (tests change REDIS_URL)."""
    _redis.cache_clear()
    _moving_window.cache_clear()
