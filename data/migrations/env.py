"""Alembic environment: the target is SQLModel's metadata; SQLite migrates in batch mode."""

from alembic import context
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import data.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from data.db import get_engine, writer
from data.migrate import include_object

config = context.config


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection") or get_engine()
    if isinstance(connectable, Engine):
        # On SQLite, take the write lock up front: processes starting at once on a fresh store queue
        # here, and each after the first finds the schema done. A migration that read first would
        # fail with "database is locked" once another process's migration committed.
        with writer(connectable).connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,
        # SQLite's DDL is transactional, but alembic assumes not and commits after each migration: a
        # process starting meanwhile would then read a half-migrated schema and migrate it again.
        transactional_ddl=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
