"""The named queries in `analytics/sql/*.sql`, and their text for either engine.

The files use DuckDB's `$name` parameters and only SQL that PostgreSQL also runs, so the benchmark can
time the same query on the store itself (`postgres_text` turns `$name` into psycopg's `%(name)s`).
`views/` holds the relations the in-memory copy keeps physically (a lot's or a bid's dealer beside
it); `postgres_views` makes them plain views on the store.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).with_name("sql")
VIEWS_DIR = SQL_DIR / "views"  # relations the in-memory copy materialises (analytics.memory)
_PARAM = re.compile(r"(?<![:$\w])\$([a-z_]+)")


@cache
def sql_text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def postgres_text(name: str) -> str:
    return _PARAM.sub(r"%(\1)s", sql_text(name).replace("%", "%%"))


def names() -> list[str]:
    return sorted(p.stem for p in SQL_DIR.glob("*.sql"))


def view_names() -> list[str]:
    return sorted(p.stem for p in VIEWS_DIR.glob("*.sql"))


def postgres_views() -> list[str]:
    """CREATE OR REPLACE VIEW statements for the store, so the query files run there unchanged."""
    return [f"CREATE OR REPLACE VIEW {name} AS {(VIEWS_DIR / f'{name}.sql').read_text()}"
            for name in view_names()]
