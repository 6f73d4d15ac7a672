"""Migration 0015 drops the cars indexes a longer one serves, and its downgrade puts them back (on a
database of its own, on both stores)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from data.db import get_engine
from data.migrate import alembic_config
from tests.integration.test_migration_0005 import fresh_store, migrate

__all__ = ["fresh_store"]

DROPPED = {"ix_cars_make_year", "ix_cars_body_fuel", "ix_cars_dealer_id"}


def cars_indexes() -> set[str]:
    return {index["name"] for index in inspect(get_engine()).get_indexes("cars") if index["name"]}


def test_the_duplicate_cars_indexes_go_and_come_back(fresh_store: str) -> None:
    kept = {"ix_cars_status_make_year", "ix_cars_body_fuel_trans_price", "ix_cars_dealer_created",
            "ix_cars_status"}
    assert not cars_indexes() & DROPPED and kept <= cars_indexes()
    command.downgrade(alembic_config(get_engine()), "0014_reports_and_flags")
    assert cars_indexes() >= DROPPED
    migrate("head")
    assert not cars_indexes() & DROPPED
