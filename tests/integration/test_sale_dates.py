"""Earnings belong to the hammer (issue 10): a lot that closed on 30 November and was settled on
2 December is a November sale in the dealer's statement and earnings, on both stores."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update
from sqlmodel import col

from analytics import exports, queries
from analytics.copy.refresh import refresh_once
from data.models import Lot
from data.uow import UnitOfWork
from domain.bidding.service import bid_place
from domain.bidding.settlement import settle_lot
from tests.support.factories import live_lot, make_dealer, make_user

HAMMER = datetime(2026, 11, 30, 18, 20, tzinfo=UTC)  # 23:50 in India, still November there too
SETTLED = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_a_late_settled_sale_counts_in_its_hammer_month(store: str, data_dir: Path) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer, reserve=None)
    bid_place(make_user(), lot_id=lot.id or 0, maximum="350000", key=uuid.uuid4().hex)
    with UnitOfWork() as uow:  # the lot closed on 30 November; nothing settled it until December
        uow.session.execute(update(Lot).where(col(Lot.id) == lot.id).values(ends_at=HAMMER))
        uow.commit()
    assert settle_lot(lot.id or 0, now=SETTLED) is True
    refresh_once()
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    (statement,) = exports.export_dealer_statements(start, end).to_arrow_table().to_pylist()
    assert statement["month"].isoformat() == "2026-11-01"  # the zone's calendar month
    (sale,) = exports.export_sales(start, end).to_arrow_table().to_pylist()
    assert sale["sold_at"] == HAMMER
    earnings = queries.dealer_earnings(dealer.dealer_id or 0, start, end, "month")
    assert [str(p)[:10] for p in earnings["period_start"]] == ["2026-11-01"]
