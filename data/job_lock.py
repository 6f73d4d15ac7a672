"""One holder at a time for a named background job, across processes, on either store.

PostgreSQL: a transaction-level advisory lock (`pg_try_advisory_xact_lock`) held by an open
transaction for the job's length. Transaction-level, not session-level, because the stack reaches the
store through PgBouncer's transaction pooling, which hands a session's later statements to other
server connections (a session lock would be taken on one and never released, or released on another);
an open transaction keeps its one server connection, so its lock is real. If the holder dies or loses
its connection, PostgreSQL ends the transaction and the lock goes with it.

SQLite: the store is a file on this host, so every process that can reach it shares this host's
file locks: an `flock` on a file beside it, released by the kernel when the holder exits.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from data.db import get_engine
from data.settings import get_settings


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (advisory locks take a bigint)."""
    digest = hashlib.sha256(f"autogavel:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def job_lock(name: str, *, engine: Engine | None = None) -> Iterator[bool]:
    """Yields True to the one caller that holds `name` now, False at once to everyone else."""
    engine = engine or get_engine()
    if engine.dialect.name == "postgresql":
        with _advisory(engine, name) as mine:
            yield mine
    else:
        with _file_lock(name) as mine:
            yield mine


@contextmanager
def _advisory(engine: Engine, name: str) -> Iterator[bool]:
    with engine.connect() as conn, conn.begin():
        mine = conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": lock_key(name)}).scalar()
        yield bool(mine)


def _file_lock(name: str) -> AbstractContextManager[bool]:
    folder = get_settings().data_dir / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return file_lock(folder / f"{name}.lock")


@contextmanager
def file_lock(path: Path) -> Iterator[bool]:
    """Yields True to the one process (or open handle) holding `path` now, False at once to others."""
    with path.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
