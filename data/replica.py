"""Reads that may come from a streaming replica (DATABASE_READ_URL), with a lag guard.

Only reads that need not see the reader's own latest write use it: browsing and search (a bid, a
lot's board after one's own bid, one's account and notifications stay on the primary). The replica is
used while its replay lag is at most REPLICA_MAX_LAG_S; past that, or when it does not answer, reads
go to the primary. The lag is checked at most once a second per process.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from data.db import NO_SERVER_PREPARES, get_engine, make_engine
from data.settings import get_settings

CHECK_EVERY_S = 1.0
# Caught up (everything received is replayed) means no lag, however long ago the last write was.
LAG_SQL = text("SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
               "ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END")

_lock = threading.Lock()
_state: dict[str, object] = {}


def replica_engine() -> Engine | None:
    url = get_settings().database_read_url
    if url is None:
        return None
    with _lock:
        if _state.get("url") != url:
            _state.clear()
            pooled = NO_SERVER_PREPARES if get_settings().database_pooled else {}
            engine = make_engine(url, pool_size=5, max_overflow=10, **pooled)
            _state.update(url=url, engine=engine, checked=0.0, ok=False)
        found = _state["engine"]
        assert isinstance(found, Engine)
        return found


def browse_engine() -> Engine:
    """The replica while it keeps up, else the primary."""
    replica = replica_engine()
    if replica is None or not _fresh_enough(replica):
        return get_engine()
    return replica


def replica_lag_s(replica: Engine) -> float:
    with replica.connect() as conn:
        return float(conn.execute(LAG_SQL).scalar_one())


def _fresh_enough(replica: Engine) -> bool:
    now = time.monotonic()
    with _lock:
        if now - float(_state["checked"]) < CHECK_EVERY_S:  # type: ignore[arg-type]
            return bool(_state["ok"])
        _state["checked"] = now
    try:
        ok = replica_lag_s(replica) <= get_settings().replica_max_lag_s
    except SQLAlchemyError:
        ok = False
    with _lock:
        _state["ok"] = ok
    return ok


def forget_replica() -> None:
    """Drop the replica's pool (tests switch stores)."""
    with _lock:
        engine = _state.get("engine")
        if isinstance(engine, Engine):
            engine.dispose()
        _state.clear()
