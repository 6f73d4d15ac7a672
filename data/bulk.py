"""Bulk inserts. For imports: one executemany without RETURNING (the ORM's per-object path costs
seconds at 10,000 rows), then the new ids by their natural key, and their change-log rows. For
benchmark fixtures: PostgreSQL COPY."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import col, select

from data.models import Car
from data.uow import UnitOfWork

BATCH = 1000


def cars_insert_many(uow: UnitOfWork, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    uow.session.execute(insert(Car.__table__), [dict(row) for row in rows])  # type: ignore[attr-defined]
    vins = [row["vin"] for row in rows]
    ids: list[int] = []
    for start in range(0, len(vins), BATCH):
        batch = vins[start:start + BATCH]
        ids += [i or 0 for i in uow.session.exec(select(Car.id).where(col(Car.vin).in_(batch))).all()]
    uow.record_change("cars", ids, "insert")  # Core inserts do not pass the flush hook
    return ids


def copy_rows(engine: Engine, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Bulk-load rows into a PostgreSQL table with COPY, in one transaction (benchmarks' fixtures)."""
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur, cur.copy(  # type: ignore[union-attr]
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
