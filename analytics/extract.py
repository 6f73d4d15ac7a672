"""Reading rows out of the store for the copy: by id in batches, or all of them for a rebuild.

Rows are read raw (money as the stored minor units, no per-row model objects) and turned into Arrow
columns of the copy's types. SQLite hands back times as text and booleans as integers; PostgreSQL hands
back typed values; both end up as the same Arrow types, so the two stores make identical copies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]  # no stubs; pyproject is not ours to edit
from sqlalchemy import Connection, bindparam, text

from analytics.schema import CHANGE, DELETED, PCT, TIME, CopyTable

ID_BATCH = 1000  # ids per IN (...) list: well inside SQLite's bound-parameter limit


def _select_list(table: CopyTable, dialect: str) -> str:
    # JSON columns are read as their stored text on PostgreSQL, so both stores give the same string.
    json_cols = {"before", "after"} if table.name == "audit_log" else set()
    return ", ".join(f'CAST("{n}" AS TEXT) AS "{n}"' if n in json_cols and dialect == "postgresql"
                     else f'"{n}"' for n in table.names)


def fetch_by_keys(conn: Connection, table: CopyTable, keys: Sequence[int]) -> list[tuple[Any, ...]]:
    """The current rows of these keys (absent keys were deleted)."""
    query = text(f"SELECT {_select_list(table, conn.dialect.name)} FROM {table.name} "
                 f"WHERE {table.key} IN :keys").bindparams(bindparam("keys", expanding=True))
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(keys), ID_BATCH):
        rows.extend(tuple(r) for r in conn.execute(query, {"keys": list(keys[start:start + ID_BATCH])}))
    return rows


def fetch_after(conn: Connection, table: CopyTable, after_id: int) -> list[tuple[Any, ...]]:
    """Rows with id above `after_id` (the audit log is append-only)."""
    query = text(f"SELECT {_select_list(table, conn.dialect.name)} FROM {table.name} "
                 "WHERE id > :after ORDER BY id")
    return [tuple(r) for r in conn.execute(query, {"after": after_id})]


def scan_all(conn: Connection, table: CopyTable, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """Every row in key order, in lists of `batch` rows (a rebuild of millions never holds them all).
    The size is passed to `partitions` itself: SQLite has no server-side cursor, so `yield_per` alone
    left it at the DB-API's fetchmany default of one row, and a rebuild made one Arrow table per row."""
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(
        text(f"SELECT {_select_list(table, conn.dialect.name)} FROM {table.name} ORDER BY {table.key}"))
    for partition in result.partitions(batch):
        yield [tuple(r) for r in partition]


def to_arrow(table: CopyTable, rows: Sequence[tuple[Any, ...]], change: int,
             deleted_keys: Iterable[int] = ()) -> pa.Table:
    """Rows as the copy's Arrow table, stamped with `change`; `deleted_keys` become tombstones."""
    gone = list(deleted_keys)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in table.columns]
    arrays = []
    for (name, kind), values in zip(table.columns, columns, strict=True):
        padding = [None] * len(gone) if name != table.key else gone
        arrays.append(_array([*values, *padding], kind))
    count = len(rows) + len(gone)
    arrays.append(pa.array([change] * count, pa.int64()))
    arrays.append(pa.array([False] * len(rows) + [True] * len(gone), pa.bool_()))
    return pa.Table.from_arrays(arrays, schema=table.arrow_schema())


def _array(values: list[Any], kind: pa.DataType) -> pa.Array:
    if kind == TIME:
        if any(isinstance(v, str) for v in values):  # SQLite: naive UTC text
            return pa.array(values, pa.string()).cast(pa.timestamp("us")).cast(TIME)
        return pa.array(values, TIME)
    if kind == PCT:
        return pa.array([None if v is None else Decimal(str(v)).quantize(Decimal("0.01")) for v in values],
                        PCT)
    if kind == pa.bool_():
        return pa.array([None if v is None else bool(v) for v in values], kind)
    if kind == pa.string():
        return pa.array([v if v is None or isinstance(v, str) else json.dumps(v) for v in values], kind)
    return pa.array(values, kind)


__all__ = ["CHANGE", "DELETED", "fetch_after", "fetch_by_keys", "scan_all", "to_arrow"]
