"""Migration 0011 on a store with history, on both stores: the schedules are seeded from the fees the
store held (the premium most auctions used, each dealer's non-zero fee), past sales keep their amounts
and gain their buyer total, and the downgrade puts the old columns back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, text

from data.db import make_engine
from data.migrate import alembic_config
from tests.support import stores

NOW = "2026-01-01 00:00:00"


@contextmanager
def fresh_store(kind: str, folder: Path) -> Iterator[Engine]:
    with stores.fresh_url(kind, folder) as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_fees_the_store_held_become_version_one(kind: str, tmp_path: Path) -> None:
    with fresh_store(kind, tmp_path) as engine:
        config = alembic_config(engine)
        command.upgrade(config, "0012_live_presence")
        with engine.begin() as conn:
            _old_market(conn)
        command.upgrade(config, "0013_fee_schedules")
        with engine.connect() as conn:
            versions = conn.execute(text(
                "SELECT s.kind, s.dealer_id, b.from_price, b.percent, b.minimum, b.maximum "
                "FROM fee_schedules s JOIN fee_bands b ON b.schedule_id = s.id ORDER BY s.id")).all()
            sale = conn.execute(text("SELECT buyer_total, premium_schedule_id FROM sales")).one()
        assert [(kind_, dealer, low, Decimal(str(pct)), minimum, maximum)
                for kind_, dealer, low, pct, minimum, maximum in versions] == [
            ("buyer_premium", None, 0, 3, 100_000, None),  # 3 %, min ₹1,000: what two auctions of three used
            ("seller_fee", None, 0, 0, 0, None),
            ("seller_fee", 2, 0, Decimal("2.5"), 0, None)]  # only the dealer whose fee was not 0
        # Past sales keep their amounts (paise) and name no version: booked before fees were versioned.
        assert (sale.buyer_total, sale.premium_schedule_id) == (5_150_000, None)

        command.downgrade(config, "0012_live_presence")
        with engine.connect() as conn:
            premiums = conn.execute(text("SELECT DISTINCT buyer_premium_pct, premium_min FROM auctions"))
            premiums = premiums.all()
            fees = dict(conn.execute(text("SELECT id, seller_fee_pct FROM dealers")).all())
        assert [(Decimal(str(p)), m) for p, m in premiums] == [(Decimal(3), 100_000)]
        assert {k: Decimal(str(v)) for k, v in fees.items()} == {1: Decimal(0), 2: Decimal("2.5")}


def _old_market(conn: Connection) -> None:
    """Two stores (fees 0 % and 2.5 %), three auctions (two at 3 % min ₹1,000, one at 5 %), one sale;
    raw SQL at revision 0010 (the models describe the newest schema). Money in paise."""
    run = conn.execute
    for n in (1, 2):
        run(text("INSERT INTO users (id, email, name, timezone, password_hash, status, created_at, "
                 "updated_at, password_changed_at) VALUES (:n, :e, 'Old', 'Asia/Kolkata', '!', 'active', "
                 ":t, :t, :t)"), {"n": n, "e": f"old{n}@example.com", "t": NOW})
        run(text("INSERT INTO dealers (id, user_id, store_name, address, city, postal_code, status, "
                 "seller_fee_pct, created_at, updated_at) VALUES (:n, :n, 'Old', '1 Road', 'Pune', "
                 "'411001', 'verified', :fee, :t, :t)"), {"n": n, "fee": ("0", "2.5")[n - 1], "t": NOW})
    for n, (pct, minimum) in enumerate((("3", 100_000), ("3", 100_000), ("5", 0)), start=1):
        run(text("INSERT INTO auctions (id, dealer_id, title, description, status, starts_at, ends_at, "
                 "soft_close_window_s, soft_close_extension_s, buyer_premium_pct, premium_min, "
                 "created_at, updated_at) VALUES (:n, 2, 'Old sale', '', 'scheduled', :t, :t, 120, 120, "
                 ":pct, :min, :t, :t)"), {"n": n, "pct": pct, "min": minimum, "t": NOW})
    run(text("INSERT INTO cars (id, dealer_id, vin, make, model, variant, year, body_type, fuel, "
             "transmission, engine_cc, odometer_km, owners, colour, city, title_status, damage, "
             "condition_grade, description, photos, status, created_at, updated_at) VALUES (1, 2, "
             "'OLD00000000000001', 'Tata', 'Nexon', '', 2020, 'suv', 'petrol', 'manual', 1199, 30000, 1, "
             "'Blue', 'Pune', 'clean', 'none', 4, '', '[]', 'sold', :t, :t)"), {"t": NOW})
    run(text("INSERT INTO lots (id, auction_id, car_id, lot_number, starting_price, current_price, "
             "leader_id, bid_count, bidder_count, ends_at, extended, outcome, version) VALUES (1, 1, 1, 1, "
             "4000000, 5000000, 1, 1, 1, :t, false, 'sold', 1)"), {"t": NOW})
    run(text("INSERT INTO sales (id, lot_id, car_id, auction_id, dealer_id, buyer_id, hammer, "
             "buyer_premium, seller_fee, dealer_earnings, platform_revenue, sold_at) VALUES (1, 1, 1, 1, 2, "
             "1, 5000000, 150000, 125000, 4875000, 275000, :t)"), {"t": NOW})
