"""Throwaway stores for tests: a SQLite file, or a PostgreSQL database made for this run and
dropped after it. Each is migrated with Alembic exactly as production is."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

import data.models  # noqa: F401
from data.db import get_engine, make_engine, use_database, writer
from data.migrate import upgrade_to_head
from data.scratch import scratch_postgres


def pg_server_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL")


def postgres_database() -> AbstractContextManager[str]:
    """CREATE DATABASE test_<random> on the test server; DROP it afterwards."""
    return scratch_postgres(pg_server_url() or "", prefix="test")


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'test.db'}"


@contextmanager
def fresh_url(kind: str, folder: Path) -> Iterator[str]:
    """An empty, unmigrated store of the test's own (not the shared, migrated one): a SQLite file in
    `folder`, or a PostgreSQL database dropped afterwards; skipped without a PostgreSQL server."""
    if kind == "sqlite":
        yield sqlite_url(folder)
        return
    if not pg_server_url():
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    with postgres_database() as url:
        yield url


def use_store(url: str) -> Engine:
    """Point the app's settings and engine at `url` (the app reads DATABASE_URL)."""
    use_database(url)
    return get_engine()


def reset_caches() -> None:
    use_database(None)


def migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()


def wipe(engine: Engine) -> None:
    """Empty every table, so each test starts from a known, empty store. The audit log refuses
    deletes (migration 0010): tests, and only tests, lift its triggers for the wipe."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    if engine.dialect.name == "postgresql":
        _truncate(engine, tables)
        return
    with writer(engine).begin() as conn:
        guards = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                   "AND tbl_name = 'audit_log'")).all()
        for name, _ in guards:
            conn.execute(text(f"DROP TRIGGER {name}"))
        for table in tables:
            conn.execute(text(f"DELETE FROM {table}"))
        for _, sql in guards:
            conn.execute(text(sql))


def _truncate(engine: Engine, tables: list[str], attempts: int = 5) -> None:
    """TRUNCATE locks its tables one after another, while a server a test module keeps running (the live
    stream's) may still read or report in the background: PostgreSQL then breaks the deadlock by
    failing one side. When that side is the wipe, it runs again."""
    for attempt in range(attempts):
        try:
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL session_replication_role = replica"))  # superuser: no triggers
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            return
        except OperationalError as error:
            if not isinstance(error.orig, psycopg.errors.DeadlockDetected) or attempt == attempts - 1:
                raise
