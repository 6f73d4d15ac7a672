"""Throwaway PostgreSQL databases for test runs and benchmarks: made on entry, dropped on exit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_postgres(server_url: str, *, prefix: str = "scratch",
                     before_drop: Callable[[], None] | None = None) -> Iterator[str]:
    """CREATE DATABASE <prefix>_<random> on the server; yields its URL; DROP ... WITH (FORCE) after.
    `before_drop` lets the caller close its own pools first."""
    admin_url = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        if before_drop is not None:
            before_drop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
