"""Bulk inserts. For imports: Core inserts of every row at once (the ORM's per-object path costs
seconds at 10,000 rows), in the form each store does fastest, and the new rows' change-log rows.
For benchmark fixtures: PostgreSQL COPY."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, String, Table, any_, insert, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from data.models import Car
from data.uow import UnitOfWork

BATCH = 1000  # VINs per lookup
IMPORT_CACHE_KIB = 64 * 1024


def cars_insert_many(uow: UnitOfWork, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """The new cars' ids, in the order of `rows`, and their change-log rows."""
    cars = Car.__table__  # type: ignore[attr-defined]
    values = [dict(row) for row in rows]
    if uow.session.get_bind().dialect.name == "sqlite":
        ids = _sqlite_insert(uow, cars, values)
    else:
        ids = _postgres_insert(uow, cars, values)
    uow.record_change("cars", ids, "insert")  # Core inserts do not pass the flush hook
    return ids


def _sqlite_insert(uow: UnitOfWork, cars: Table, values: list[dict[str, Any]]) -> list[int]:
    """With RETURNING, SQLAlchemy sends up to 1,000 rows per INSERT ("insertmanyvalues") instead of
    one statement per row, which SQLite's search table needs: FTS5 writes its pending words out at
    the start of every statement, so a 10,000-row executemany left 10,000 tiny index segments to
    merge (2 of the 3 s of CPU an import into 1M cars took; now ~1 s in all). Ids are matched by VIN,
    which is unique, so the order of the returned rows does not matter."""
    statement = insert(cars).returning(cars.c.vin, cars.c.id)
    with _sqlite_cache(uow, IMPORT_CACHE_KIB):
        new = dict(uow.session.execute(statement, values).all())
    return [new[row["vin"]] for row in values]


@contextmanager
def _sqlite_cache(uow: UnitOfWork, kib: int) -> Iterator[None]:
    """A bigger page cache for this connection while it inserts: each new car lands on a random page
    of every index, and SQLite's default 2 MB cache re-read most of them (at 1M cars, 64 MB took a
    third off the insert's CPU). The connection goes back to the pool with its usual cache."""
    connection = uow.session.connection()
    usual = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{kib:d}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(usual):d}")


def _postgres_insert(uow: UnitOfWork, cars: Table, values: list[dict[str, Any]]) -> list[int]:
    """One executemany, which psycopg pipelines, then the ids by VIN: at 10,000 rows into 1M cars
    this took 0.9 s of client CPU where SQLAlchemy's multi-row INSERT ... RETURNING took 3 s (the
    server's share, ~1.4 s, was the same)."""
    uow.session.execute(insert(cars), values)
    found = vin_ids(uow.session, [row["vin"] for row in values])
    return [found[row["vin"]] for row in values]


def vin_ids(session: Session, vins: Sequence[str]) -> dict[str, int]:
    """The ids of the listed cars among these VINs. PostgreSQL gets the VINs as one array parameter:
    as 10,000 IN placeholders, psycopg spent ~0.1 s rewriting each such query."""
    cars = Car.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        query = select(cars.c.vin, cars.c.id).where(cars.c.vin == any_(literal(list(vins), ARRAY(String))))
        return dict(session.execute(query).all())
    found: dict[str, int] = {}
    for start in range(0, len(vins), BATCH):
        found.update(session.execute(select(cars.c.vin, cars.c.id)
                                     .where(cars.c.vin.in_(vins[start:start + BATCH]))).all())
    return found


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
