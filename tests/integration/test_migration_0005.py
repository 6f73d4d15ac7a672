"""Migration 0005 on a store with sales in it: each sale takes its lot's car and hammer time, and a car
already sold twice stops the upgrade with the cars named (on its own database, on both stores)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from data.db import get_engine, writer
from data.migrate import alembic_config
from domain.bidding.service import bid_place
from domain.bidding.settlement import settle_lot
from tests.conftest import STORES
from tests.support import stores
from tests.support.factories import live_lot, make_dealer, make_user

BEFORE = "0004"


@pytest.fixture(params=STORES)
def fresh_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own at the newest schema, the app pointed at it."""
    if request.param == "sqlite":
        yield from _using(stores.sqlite_url(tmp_path))
        return
    if not stores.pg_server_url():
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    with stores.postgres_database() as url:
        yield from _using(url)


def _using(url: str) -> Iterator[str]:
    stores.migrate(url)
    stores.use_store(url)
    try:
        yield url
    finally:
        stores.reset_caches()


def sold_lots(count: int) -> list[int]:
    dealer = make_dealer()
    lots = [live_lot(dealer, reserve=None, closes_in=timedelta(minutes=5)) for _ in range(count)]
    for lot in lots:
        bid_place(make_user(), lot_id=lot.id or 0, maximum="350000", key=uuid.uuid4().hex)
        settle_lot(lot.id or 0, now=lot.ends_at + timedelta(days=2))
    return [lot.id or 0 for lot in lots]


def migrate(revision: str) -> None:
    engine = get_engine()
    if revision == BEFORE:
        command.downgrade(alembic_config(engine), revision)
    else:
        command.upgrade(alembic_config(engine), revision)


def test_existing_sales_take_their_car_and_hammer_time(fresh_store: str) -> None:
    sold_lots(2)
    migrate(BEFORE)
    with get_engine().begin() as conn:  # as settlement used to date them: when it ran
        conn.execute(text("UPDATE sales SET sold_at = "
                          "(SELECT settled_at FROM lots WHERE lots.id = sales.lot_id)"))
    migrate("head")
    with get_engine().connect() as conn:
        rows = conn.execute(text("SELECT s.car_id = l.car_id, s.sold_at = l.ends_at FROM sales s "
                                 "JOIN lots l ON l.id = s.lot_id")).all()
    assert [tuple(bool(v) for v in row) for row in rows] == [(True, True), (True, True)]


def test_a_car_sold_twice_stops_the_upgrade_with_its_id(fresh_store: str) -> None:
    first, second = sold_lots(2)
    migrate(BEFORE)
    with writer(get_engine()).begin() as conn:  # what a cancelled-then-resold car left behind
        car = conn.execute(text("SELECT car_id FROM lots WHERE id = :id"), {"id": first}).scalar_one()
        conn.execute(text("UPDATE lots SET car_id = :car WHERE id = :id"), {"car": car, "id": second})
    with pytest.raises(RuntimeError, match=f"car {car} \\(2 sales\\)"):
        migrate("head")
    with get_engine().begin() as conn:  # the operator keeps one sale; the upgrade then runs
        conn.execute(text("DELETE FROM sales WHERE lot_id = :id"), {"id": second})
    migrate("head")
