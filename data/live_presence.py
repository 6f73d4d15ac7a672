"""How many tabs watch lots live, summed over every server process on the store.

Each process holds its own streams (domain/bidding/live.py's hub) and nothing else knows them, so each
writes its own row here: when its count changes, and every `REFRESH` while it is not zero. A row older
than `EXPIRY` belongs to a process that stopped or died without saying so: the sum ignores it and the
next report deletes it. The store, not Redis: the embedded default has no Redis to reach, and a write
every few seconds per process is nothing next to the bids.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from data.db import get_engine, writer
from data.models import LivePresence

REFRESH = timedelta(seconds=10)
EXPIRY = timedelta(seconds=30)
_TABLE = LivePresence.__table__  # type: ignore[attr-defined]


def presence_report(process: str, watchers: int, now: datetime) -> None:
    """This process holds `watchers` streams now (an upsert of its own row; stale rows go)."""
    engine = get_engine()
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    upsert = insert(_TABLE).values(process=process, watchers=watchers, seen_at=now)
    upsert = upsert.on_conflict_do_update(index_elements=["process"],
                                          set_={"watchers": watchers, "seen_at": now})
    with writer(engine).begin() as conn:  # SQLite: the write lock up front (docs/STORE.md)
        conn.execute(upsert)
        conn.execute(delete(_TABLE).where(col(LivePresence.seen_at) < now - EXPIRY))


def presence_total(now: datetime) -> int:
    """The streams every live process reported (those silent past EXPIRY count for nothing)."""
    query = select(func.coalesce(func.sum(col(LivePresence.watchers)), 0)).where(
        col(LivePresence.seen_at) >= now - EXPIRY)
    with get_engine().connect() as conn:
        return int(conn.execute(query).scalar_one())
