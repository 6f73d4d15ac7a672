"""Reading the change log (the outbox) incrementally and exactly, late commits included.

The cursor says how far a reader has got. On SQLite writers are serialised, so every id below the
highest visible one is final: the cursor is that id. On PostgreSQL ids are handed out before commit,
so a later-committing transaction can show up below ids already read; there the cursor is a
transaction-id horizon instead: each read returns the changes of transactions with ids in
[cursor, xmin), where xmin is the oldest transaction still running — every transaction in that range
has finished, so nothing below the new cursor can appear later.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

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


def _postgres_changes(engine: Engine, cursor: int) -> tuple[list[Change], int]:
    horizon = text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
    query = text("SELECT id, entity, entity_id, op FROM change_log "
                 "WHERE txid >= :low AND txid < :high ORDER BY id")
    # One snapshot for both statements, so the horizon and the rows agree.
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        high = int(conn.execute(horizon).scalar_one())
        rows = [Change(*row) for row in conn.execute(query, {"low": cursor, "high": high})]
    return rows, max(high, cursor)
