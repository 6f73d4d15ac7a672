"""A check the whole suite runs under: no SQLite transaction reads and then writes unless it took the
write lock up front (`data.db.writer`: BEGIN IMMEDIATE).

In WAL mode such a transaction cannot wait for its turn: once another connection commits after its
first read, its write fails at once with "database is locked", whatever the busy timeout. Under test
that takes a race to show; this check fails the first such write every time, wherever it is. (A
transaction that writes first is safe: SQLite waits for the lock before taking its snapshot.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event

from data.db import takes_write_lock

_STATE = "sqlite_transaction"  # on Connection.info: "immediate", "deferred" or "deferred, has read"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


class ReadThenWrite(AssertionError):
    pass


def _on_begin(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.info[_STATE] = "immediate" if takes_write_lock(conn) else "deferred"


def _on_statement(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    state = conn.info.get(_STATE)
    if conn.dialect.name != "sqlite" or state is None or state == "immediate":
        return
    verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
    if verb == "SELECT":
        conn.info[_STATE] = "deferred, has read"
    elif verb in _WRITES and state == "deferred, has read":
        raise ReadThenWrite(
            "This SQLite transaction read and now writes without the write lock: under concurrency it "
            "fails with 'database is locked'. Open it with data.db.writer(engine) (a unit of work "
            f"does). Statement: {statement.strip()[:200]}")


def _on_end(conn: Connection) -> None:
    conn.info.pop(_STATE, None)


def check_sqlite_writes() -> None:
    """For every engine this process makes (idempotent)."""
    if not event.contains(Engine, "begin", _on_begin):
        event.listen(Engine, "begin", _on_begin)
        event.listen(Engine, "before_cursor_execute", _on_statement)
        event.listen(Engine, "commit", _on_end)
        event.listen(Engine, "rollback", _on_end)
