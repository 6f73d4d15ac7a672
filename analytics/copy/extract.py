"""Rows of the store as the copy's Arrow tables.

The rows are read raw by `data.copy_reads` (which holds the store dialects' differences) and turned
into Arrow columns of the copy's types here. SQLite hands back times as text and booleans as integers;
PostgreSQL hands back typed values; both end up as the same Arrow types, so the two stores make
identical copies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]  # no stubs; pyproject is not ours to edit
from sqlalchemy import Connection

from analytics.copy.schema import CHANGE, DELETED, PCT, TIME, CopyTable
from data import copy_reads
from data.copy_reads import Row


def fetch_by_keys(conn: Connection, table: CopyTable, keys: Sequence[int]) -> list[Row]:
    """The current rows of these keys (absent keys were deleted)."""
    return copy_reads.fetch_by_keys(conn, table.raw, keys)


def fetch_after(conn: Connection, table: CopyTable, after_id: int) -> list[Row]:
    """Rows with id above `after_id` (the audit log is append-only)."""
    return copy_reads.fetch_after(conn, table.raw, after_id)


def scan_all(conn: Connection, table: CopyTable, batch: int) -> Iterator[list[Row]]:
    """Every row in key order, in lists of `batch` rows."""
    return copy_reads.scan_all(conn, table.raw, batch)


def to_arrow(table: CopyTable, rows: Sequence[Row], change: int,
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
