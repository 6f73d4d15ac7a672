"""Reading the change log (the outbox) incrementally and exactly, late commits included.

The cursor says how far a reader has got. On SQLite writers are serialised, so every id below the
highest visible one is final: the cursor is that id. On PostgreSQL ids are handed out before commit,
so a later-committing transaction can show up below ids already read; there the cursor is a
transaction-id horizon instead: each read returns the changes of transactions with ids in
[cursor, horizon), where the horizon is the oldest transaction still running in the reader's snapshot —
every transaction in that range has finished, so nothing below the new cursor can appear later.

The snapshot's running transactions are the whole server's. One that is known to run in *another*
database cannot have written this database's change log, so it does not hold the horizon back (a long
job elsewhere on a shared server would otherwise stall the analytics here); one whose database is not
known (it ended since the snapshot, or is prepared, or hidden) still does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from data.db import get_engine


@dataclass(frozen=True)
class Change:
    id: int
    entity: str
    entity_id: int
    op: str


def changes_since(cursor: int, *, engine: Engine | None = None) -> tuple[list[Change], int]:
    """New changes after `cursor` (0 at first), and the cursor to pass next time."""
    engine = engine or get_engine()
    if engine.dialect.name == "postgresql":
        return _postgres_changes(engine, cursor)
    return _sqlite_changes(engine, cursor)


def _sqlite_changes(engine: Engine, cursor: int) -> tuple[list[Change], int]:
    query = text("SELECT id, entity, entity_id, op FROM change_log WHERE id > :cursor ORDER BY id")
    with engine.connect() as conn:
        rows = [Change(*row) for row in conn.execute(query, {"cursor": cursor})]
    return rows, rows[-1].id if rows else cursor


_HORIZON = """
WITH snap AS (SELECT pg_current_snapshot() AS s)
SELECT least((SELECT pg_snapshot_xmax(s)::text::bigint FROM snap),
             (SELECT min(running::text::bigint) FROM snap, pg_snapshot_xip(s) AS running
               WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity elsewhere
                                  WHERE elsewhere.backend_xid = running::xid
                                    AND elsewhere.datname <> current_database())))
"""


def horizon(conn: Connection) -> int:
    """PostgreSQL: the oldest transaction that may still write here, as this connection's snapshot sees
    it (every older one has committed or aborted). The change log's cursor and the analytics copy's
    audit-log guard (`analytics.copy.audit_marks`) both stand on it."""
    return int(conn.execute(text(_HORIZON)).scalar_one())


def snapshot_cursor(conn: Connection) -> int:
    """The cursor matching this connection's snapshot: `changes_since` from it misses nothing the
    snapshot did not see (it may repeat some that it did)."""
    if conn.dialect.name == "postgresql":
        return horizon(conn)
    return int(conn.execute(text("SELECT coalesce(max(id), 0) FROM change_log")).scalar_one())


def _postgres_changes(engine: Engine, cursor: int) -> tuple[list[Change], int]:
    query = text("SELECT id, entity, entity_id, op FROM change_log "
                 "WHERE txid >= :low AND txid < :high ORDER BY id")
    # One snapshot for both statements, so the horizon and the rows agree.
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        high = horizon(conn)
        rows = [Change(*row) for row in conn.execute(query, {"low": cursor, "high": high})]
    return rows, max(high, cursor)
