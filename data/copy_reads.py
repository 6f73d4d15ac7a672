"""Reading the store raw for the analytics copy (`analytics.copy`): one read snapshot, rows by key, by
id or all of them in batches, and the audit log's id mark. The store dialects' differences live here.

Rows come back as plain tuples (money as stored minor units, no model objects). SQLite hands back
times as text and booleans as integers, PostgreSQL typed values; the copy's Arrow conversion evens
that out. JSON columns are read as their stored text on PostgreSQL, so both stores give one string.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text

ID_BATCH = 1000  # ids per IN (...) list: well inside SQLite's bound-parameter limit

Row = tuple[Any, ...]


@dataclass(frozen=True)
class RawTable:
    """What a raw read needs of a table: its name, the columns in order, the key, the JSON columns."""
    name: str
    columns: tuple[str, ...]
    key: str
    json_columns: frozenset[str] = frozenset()


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction: a REPEATABLE READ snapshot on PostgreSQL, a WAL read snapshot on SQLite."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


def _select_list(conn: Connection, table: RawTable) -> str:
    as_text = table.json_columns if conn.dialect.name == "postgresql" else frozenset()
    return ", ".join(f'CAST("{n}" AS TEXT) AS "{n}"' if n in as_text else f'"{n}"' for n in table.columns)


def fetch_by_keys(conn: Connection, table: RawTable, keys: Sequence[int]) -> list[Row]:
    """The current rows of these keys (absent keys were deleted)."""
    query = text(f"SELECT {_select_list(conn, table)} FROM {table.name} "
                 f"WHERE {table.key} IN :keys").bindparams(bindparam("keys", expanding=True))
    rows: list[Row] = []
    for start in range(0, len(keys), ID_BATCH):
        rows.extend(tuple(r) for r in conn.execute(query, {"keys": list(keys[start:start + ID_BATCH])}))
    return rows


def fetch_after(conn: Connection, table: RawTable, after_id: int) -> list[Row]:
    """Rows with id above `after_id` (for an append-only table such as the audit log)."""
    query = text(f"SELECT {_select_list(conn, table)} FROM {table.name} WHERE id > :after ORDER BY id")
    return [tuple(r) for r in conn.execute(query, {"after": after_id})]


def scan_all(conn: Connection, table: RawTable, batch: int) -> Iterator[list[Row]]:
    """Every row in key order, in lists of `batch` rows (a rebuild of millions never holds them all).
    The size is passed to `partitions` itself: SQLite has no server-side cursor, so `yield_per` alone
    left it at the DB-API's fetchmany default of one row, and a rebuild made one Arrow table per row."""
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(
        text(f"SELECT {_select_list(conn, table)} FROM {table.name} ORDER BY {table.key}"))
    for partition in result.partitions(batch):
        yield [tuple(r) for r in partition]


def max_id(conn: Connection, table: str) -> int:
    return int(conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one())


def audit_id_mark(engine: Engine) -> list[int] | None:
    """PostgreSQL: [last audit-log id handed out, next transaction id], read in that order outside any
    snapshot (see `analytics.copy.audit_marks`). None on SQLite: writers are serialised there, so every
    visible id is final and no mark is needed."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        name = conn.execute(text("SELECT pg_get_serial_sequence('audit_log', 'id')")).scalar_one()
        last, called = conn.execute(text(f"SELECT last_value, is_called FROM {name}")).one()
        next_xid = conn.execute(text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint"))
        return [int(last) if called else int(last) - 1, int(next_xid.scalar_one())]
