"""Bring a store's schema to the newest migration: `python -m data.migrate` (uses DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


SEARCH_OBJECTS = ("cars_fts", "cars_search_idx")  # full-text search, made by hand in migrations 0002, 0006


def include_object(_obj: object, name: str | None, type_: str, reflected: bool, _compare_to: object) -> bool:
    """Leave the hand-made full-text search objects out of autogenerate and drift checks."""
    return not (reflected and name is not None and name.startswith(SEARCH_OBJECTS))


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config(str(ALEMBIC_INI))
    if engine is not None:
        config.attributes["connection"] = engine
    return config


def upgrade_to_head(engine: Engine | None = None) -> None:
    command.upgrade(alembic_config(engine), "head")


if __name__ == "__main__":
    upgrade_to_head()
    print("schema is at the newest migration")
