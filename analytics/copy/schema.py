"""What the analytics copy holds: which tables, which columns, and their Arrow types.

Derived from the table models, so a new column reaches the copy without a second list to keep. Money
stays in integer minor units (paise) exactly as stored; queries turn it into rupees. Times are UTC.
Password hashes, bulky text (descriptions, photo lists) and bid idempotency keys are left out: analytics
needs none of them, and a copy that holds no secrets can be shared more freely.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa  # type: ignore[import-untyped]  # no stubs; pyproject is not ours to edit
from sqlalchemy import JSON, Boolean, Numeric, Text
from sqlmodel import SQLModel

import data.models  # noqa: F401  (registers the tables on the metadata)
from data.copy_reads import RawTable
from data.types import Money, UTCDateTime

LEFT_OUT = {"users": {"password_hash"}, "cars": {"description", "photos"}, "auctions": {"description"},
            "bids": {"idempotency_key"}}  # a double-click guard: ten million unique strings, no meaning
TIME = pa.timestamp("us", tz="UTC")
PCT = pa.decimal128(5, 2)
CHANGE = "_change"  # the refresh that wrote a row version: the highest one per key wins
DELETED = "_deleted"  # a tombstone: the row is gone from the store


@dataclass(frozen=True)
class CopyTable:
    name: str
    key: str  # rows are versioned per key; user_roles keeps every role of a user under one version
    columns: tuple[tuple[str, pa.DataType], ...]
    json_columns: frozenset[str] = frozenset()  # stored as JSON: read as their text on both stores

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    @property
    def raw(self) -> RawTable:
        """What `data.copy_reads` needs to read this table out of the store."""
        return RawTable(self.name, tuple(self.names), self.key, self.json_columns)

    def arrow_schema(self) -> pa.Schema:
        fields = [pa.field(n, t) for n, t in self.columns]
        return pa.schema([*fields, pa.field(CHANGE, pa.int64()), pa.field(DELETED, pa.bool_())])


def _arrow_type(column_type: object) -> pa.DataType:
    if isinstance(column_type, Money):
        return pa.int64()
    if isinstance(column_type, UTCDateTime):
        return TIME
    if isinstance(column_type, Boolean):
        return pa.bool_()
    if isinstance(column_type, Numeric):
        return PCT
    if isinstance(column_type, (JSON, Text)):
        return pa.string()
    return pa.string() if column_type.__class__.__name__ in {"String", "AutoString"} else pa.int64()


def _table(name: str, key: str = "id") -> CopyTable:
    table = SQLModel.metadata.tables[name]
    skip = LEFT_OUT.get(name, set())
    kept = [c for c in table.columns if c.name not in skip]
    json_columns = frozenset(c.name for c in kept if isinstance(c.type, JSON))
    return CopyTable(name, key, tuple((c.name, _arrow_type(c.type)) for c in kept), json_columns)


# Tables fed from the change log (entity name = table name), then the append-only audit log.
CHANGED = ("users", "dealers", "cars", "auctions", "lots", "bids", "sales")
ROLES = _table("user_roles", key="user_id")
AUDIT = _table("audit_log")
TABLES: dict[str, CopyTable] = {n: _table(n) for n in CHANGED} | {"user_roles": ROLES, "audit_log": AUDIT}
