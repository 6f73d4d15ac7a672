"""Migration 0008 on a store with uncapped auctions: each takes the default soft-close cap (on its own
database, on both stores)."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import text

from data.db import get_engine
from data.migrate import alembic_config
from data.models import Auction
from data.uow import UnitOfWork
from tests.integration.test_migration_0005 import fresh_store, migrate
from tests.support.factories import make_auction, make_dealer

__all__ = ["fresh_store"]


def test_auctions_without_a_latest_end_take_the_default_cap(fresh_store: str) -> None:
    dealer = make_dealer()
    uncapped, capped = make_auction(dealer, 1), make_auction(dealer, 1)
    command.downgrade(alembic_config(get_engine()), "0005_one_sale_per_car")
    with get_engine().begin() as conn:  # as auctions were made before every auction had a cap
        conn.execute(text("UPDATE auctions SET latest_end_at = NULL WHERE id = :id"), {"id": uncapped.id})
    migrate("head")
    with UnitOfWork(write=False) as uow:
        after = {a.id: a for a in (uow.session.get(Auction, uncapped.id), uow.session.get(Auction, capped.id))
                 if a is not None}
    assert after[uncapped.id].latest_end_at == after[uncapped.id].ends_at + timedelta(minutes=30)
    assert after[capped.id].latest_end_at == capped.latest_end_at
