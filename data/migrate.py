"""Bring a store's schema to the newest migration: `python -m data.migrate` (uses DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


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
