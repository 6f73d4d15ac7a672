"""Where the marketplace's rate limits keep their count: Redis when REDIS_URL is set, else the store.

Either way a window is one record per (scope, key) holding its recent hits, read, decided and written
back atomically: in the store the row is locked (an upsert that returns it: `FOR UPDATE` semantics on
PostgreSQL, the write lock of `BEGIN IMMEDIATE` on SQLite); in Redis a compare-and-set script writes the
new hits only if the key still holds what they were decided from, else answers what it holds and the
caller decides again. The rule itself is the caller's (`decide`), so both places apply the same one. If
Redis cannot be reached, the store counts instead: a limit never takes bidding down, and every process
still shares the count.

A bid pays this on its way in, so the Redis path is one round trip in the usual case: each process
remembers what it last saw in a key and decides from that; the script checks it. A guess that turned out
stale costs one more trip (the script answers the key's value); a refusal is never made on a guess, it
is confirmed against a fresh read. The memory is only a guess, so losing it (another process, a
restart, the bound below) costs a trip, never a wrong count.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from functools import lru_cache

import redis
from redis.commands.core import Script
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from data.models import RateWindow
from data.settings import get_settings
from data.uow import UnitOfWork

log = logging.getLogger(__name__)
Hits = list[float]
# Given the window's hits, the hits to keep if this one is let through, or None to refuse it (then
# nothing is written).
Decide = Callable[[Hits], Hits | None]
REDIS_ATTEMPTS = 20
LAST_SEEN_KEYS = 10_000


def window_hit(scope: str, key: str, decide: Decide, *, expire_s: float) -> bool:
    """Run `decide` on the window of (scope, key) and keep its answer; true when the hit was let through.
    `expire_s`: when a window untouched for this long may be forgotten (Redis drops it then)."""
    settings = get_settings()
    client = _redis(settings.redis_url)
    if client is not None:
        try:
            return _redis_hit(client, f"{settings.redis_prefix}:limit:{scope}:{key}", decide, expire_s)
        except redis.RedisError as error:
            log.warning("rate windows: Redis unavailable, counting in the store", extra={"error": str(error)})
    return _store_hit(scope, key, decide)


@lru_cache(maxsize=4)
def _redis(url: str | None) -> redis.Redis | None:
    """One client (a thread-safe connection pool) per process and URL."""
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1) if url else None


# KEYS[1] the window; ARGV: the value the new hits were decided from ('' for none), the new value, its
# time to live in ms. Answers {1} when written, else {0, what the key holds}.
_COMPARE_AND_SET = """
local held = redis.call('GET', KEYS[1]) or ''
if held ~= ARGV[1] then return {0, held} end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return {1}
"""


@lru_cache(maxsize=4)
def _compare_and_set(client: redis.Redis) -> Script:
    return client.register_script(_COMPARE_AND_SET)  # EVALSHA, loading the script again if Redis lost it


class _LastSeen:
    """What this process last saw in each window: the guess a hit is decided from. Bounded: past
    `LAST_SEEN_KEYS` windows it starts again from nothing (a guess lost costs one round trip)."""

    def __init__(self) -> None:
        self._held: dict[str, str] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        with self._lock:
            self._held.clear()

    def get(self, name: str) -> str | None:
        return self._held.get(name)

    def put(self, name: str, value: str) -> None:
        with self._lock:
            if len(self._held) >= LAST_SEEN_KEYS:
                self._held.clear()  # simpler than an LRU, and as cheap: the next hit of each reads again
            self._held[name] = value


_last_seen = _LastSeen()


def _redis_hit(client: redis.Redis, name: str, decide: Decide, expire_s: float) -> bool:
    swap, ttl_ms = _compare_and_set(client), max(1, int(expire_s * 1000))
    held, confirmed = _last_seen.get(name), False
    for _ in range(REDIS_ATTEMPTS):
        if held is None:
            held, confirmed = _text(client.get(name)), True
        kept = decide(_hits(held))
        if kept is None:
            if confirmed:
                _last_seen.put(name, held)
                return False
            held = None  # a refusal is made on what the key holds now, never on a guess
            continue
        written = json.dumps(kept)
        answer = swap(keys=[name], args=[held, written, ttl_ms])
        if answer[0] == 1:
            _last_seen.put(name, written)
            return True
        held, confirmed = _text(answer[1]), True  # another process hit this window meanwhile: decide again
    raise redis.RedisError(f"rate window {name} kept changing")


def _text(stored: bytes | str | None) -> str:
    return stored.decode() if isinstance(stored, bytes) else stored or ""


def _store_hit(scope: str, key: str, decide: Decide) -> bool:
    with UnitOfWork() as uow:
        kept = decide(_hits(_locked_hits(uow, scope, key)))
        if kept is None:
            return False  # rolled back: a refused hit changes nothing
        uow.session.execute(update(RateWindow)
                            .where(col(RateWindow.scope) == scope, col(RateWindow.key) == key)
                            .values(hits=json.dumps(kept)))
        uow.commit()
        return True


def _locked_hits(uow: UnitOfWork, scope: str, key: str) -> str:
    """The window's row, made if missing, locked until the transaction ends: an upsert whose no-op
    update takes the row lock, so concurrent hits on one key queue here, in one round trip."""
    dialect = postgresql if uow.dialect == "postgresql" else sqlite
    table = RateWindow.__table__  # type: ignore[attr-defined]
    statement = (dialect.insert(table).values(scope=scope, key=key, hits="[]")
                 .on_conflict_do_update(index_elements=["scope", "key"], set_={"scope": table.c.scope})
                 .returning(table.c.hits))
    return str(uow.session.execute(statement).scalar_one())


def _hits(stored: bytes | str | None) -> Hits:
    return [float(hit) for hit in json.loads(stored)] if stored else []


def windows_forget() -> None:
    """Drop the cached Redis clients and guesses (tests change REDIS_URL)."""
    _redis.cache_clear()
    _compare_and_set.cache_clear()
    _last_seen.forget()
