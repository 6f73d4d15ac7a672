"""Where the marketplace's rate limits keep their count: Redis when REDIS_URL is set, else the store.

Either way a window is one record per (scope, key) holding its recent hits, read, decided and written
back atomically: in the store the row is locked (an upsert that returns it: `FOR UPDATE` semantics on
PostgreSQL, the write lock of `BEGIN IMMEDIATE` on SQLite); in Redis an optimistic transaction (WATCH)
retries when another process changed the key meanwhile. The rule itself is the caller's (`decide`), so
both places apply the same one. If Redis cannot be reached, the store counts instead: a limit never
takes bidding down, and every process still shares the count.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import lru_cache

import redis
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


def _redis_hit(client: redis.Redis, name: str, decide: Decide, expire_s: float) -> bool:
    with client.pipeline() as pipe:
        for _ in range(REDIS_ATTEMPTS):
            try:
                pipe.watch(name)  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
                stored = pipe.get(name)
                kept = decide(_hits(stored))
                if kept is None:
                    pipe.reset()
                    return False
                pipe.multi()
                pipe.set(name, json.dumps(kept), px=max(1, int(expire_s * 1000)))
                pipe.execute()
                return True
            except redis.WatchError:  # another process hit this window meanwhile: decide again
                continue
    raise redis.RedisError(f"rate window {name} kept changing")


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
    """Drop the cached Redis clients (tests change REDIS_URL)."""
    _redis.cache_clear()
