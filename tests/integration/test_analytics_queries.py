"""Every analytics query against numbers worked out by hand, on both stores.

The market (all through the real services; prices in rupees; buyer's premium 5 %):
  Dealer A (seller fee 2.5 %), four one-lot auctions, each lot starting 3,00,000, reserve 4,00,000:
    lot1: u1 max 3,50,000, u2 max 4,50,000 -> price lifts to the reserve, 4,00,000; settled: sold.
          premium 20,000, fee 10,000, earnings 3,90,000.
    lot2: u1 max 3,50,000; u2 3,20,000 then retracted -> 3,00,000 below reserve: reserve_not_met.
    lot3: no bids: unsold.
    lot4: no reserve, bought now by u3 at 6,00,000: premium 30,000, fee 15,000, earnings 5,85,000.
  Dealer B (fee 0): lot5: u2 max 5,00,000 -> 4,00,000, sold (premium 20,000); lot6 stays live.
  Dealer A owner signs in once.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlmodel import select

from analytics import exports, queries
from analytics.copy.refresh import refresh_once
from analytics.health import settlement_health
from data.models import Bid
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.auth import user_login
from domain.bidding import service
from domain.bidding.fee_schedule import seller_fee_set
from domain.bidding.fees import FeeBand
from domain.bidding.retraction import RetractReason, bid_retract
from domain.bidding.settlement import settle_lot
from tests.support.factories import PASSWORD, live_lot, make_admin, make_dealer, make_user


@pytest.fixture
def market(store: str, data_dir: Path) -> dict[str, int]:
    boss = make_admin()
    dealer_a, dealer_b = make_dealer(boss), make_dealer(boss)
    seller_fee_set(boss, [FeeBand(Decimal(0), percent=Decimal("2.5"))], dealer_id=dealer_a.dealer_id)
    u1, u2, u3 = make_user(), make_user(), make_user()
    lots = [live_lot(dealer_a).id for _ in range(3)]
    lot4, lot5, lot6 = live_lot(dealer_a, reserve=None).id, live_lot(dealer_b).id, live_lot(dealer_b).id

    def bid(who, lot_id: int, amount: str):  # type: ignore[no-untyped-def]
        return service.bid_place(who, lot_id=lot_id, maximum=amount, key=uuid.uuid4().hex)

    bid(u1, lots[0], "350000")
    bid(u2, lots[0], "450000")
    bid(u1, lots[1], "350000")
    bid_retract(u2, bid(u2, lots[1], "320000").bid_id, reason=RetractReason.MISTYPED)
    service.lot_buy_now(u3, lot_id=lot4, key=uuid.uuid4().hex)
    bid(u2, lot5, "500000")
    later = utcnow() + timedelta(hours=4)
    for lot_id in [*lots, lot5]:
        settle_lot(lot_id, now=later)
    user_login(email=dealer_a.email, password=PASSWORD, address="127.0.0.1")
    refresh_once()
    return {"a": dealer_a.dealer_id, "b": dealer_b.dealer_id, "lot1": lots[0], "lot6": lot6}


def window() -> tuple:  # type: ignore[type-arg]
    now = utcnow()
    return now - timedelta(days=1), now + timedelta(days=1)


def test_dealer_summary(market: dict[str, int]) -> None:
    row = queries.dealer_summary(market["a"], *window()).iloc[0]
    assert (row.auctions_held, row.lots_offered, row.sold, row.unsold, row.reserve_not_met) == (4, 4, 2, 1, 1)
    assert row.sell_through == 0.5
    assert (row.gross_hammer, row.earnings) == (1_000_000, 975_000)
    assert row.avg_hammer_to_reserve == pytest.approx(1.0)  # lot1 only: lot4 has no reserve
    assert row.avg_hammer_to_starting == pytest.approx((4 / 3 + 2) / 2)
    assert row.bids_per_lot == 1.0  # 4 active bids (2 + 1 + buy-now 1) over 4 lots; 1 retracted
    assert row.bidders_per_lot == 1.0


def test_dealer_series_models_hours_lots_and_curve(market: dict[str, int]) -> None:
    start, end = window()
    earnings = queries.dealer_earnings(market["a"], start, end, period="month")
    assert (earnings.sales.sum(), earnings.hammer.sum(), earnings.earnings.sum()) == (2, 1_000_000, 975_000)
    top = queries.dealer_top_models(market["a"], start, end)
    assert top[["make", "model", "sold", "total_hammer", "avg_hammer"]].values.tolist() == [
        ["Maruti Suzuki", "Swift", 2, 1_000_000, 500_000]]
    hours = queries.dealer_bid_hours(market["a"], start, end)
    assert len(hours) == 24 and dict(zip(hours.hour, hours.bids, strict=True)) == _expected_hours(market["a"])
    lots = queries.dealer_lots(market["a"], start, end)
    assert sorted(lots.outcome) == ["reserve_not_met", "sold", "sold", "unsold"]
    assert sorted(lots.hammer.dropna()) == [400_000, 600_000]
    curve = queries.lot_price_curve(market["a"], market["lot1"])
    assert curve.price.tolist() == [300_000, 400_000]


def _expected_hours(dealer_id: int) -> dict[int, int]:
    """The active bids on the dealer's lots, by hour in India: 4 bids, whatever the clock says."""
    with UnitOfWork(write=False) as uow:
        bids = uow.session.exec(select(Bid).where(Bid.status == "active")).all()
        stamps = [b.placed_at for b in bids if b.auction_id in _auctions_of(uow, dealer_id)]
    assert len(stamps) == 4
    counts = Counter(s.astimezone(ZoneInfo("Asia/Kolkata")).hour for s in stamps)
    return {hour: counts.get(hour, 0) for hour in range(24)}


def _auctions_of(uow: UnitOfWork, dealer_id: int) -> set[int]:
    from data.models import Auction

    return {a.id or 0 for a in uow.session.exec(select(Auction).where(Auction.dealer_id == dealer_id))}


def test_admin_numbers(market: dict[str, int]) -> None:
    start, end = window()
    row = queries.platform_summary(start, end).iloc[0]
    assert (row.sales, row.gmv, row.buyer_premium, row.seller_fees) == (3, 1_400_000, 70_000, 25_000)
    assert (row.platform_revenue, row.lots_offered, row.lots_sold, row.conversion) == (95_000, 6, 3, 0.5)
    roles = queries.users_by_role(utcnow())
    assert roles.values.tolist() == [["admin", 1, 0], ["bidder", 6, 4], ["dealer", 2, 1]]
    assert queries.live_now(utcnow()).values.tolist() == [[1, 1]]
    assert queries.bids_per_hour(start, end).bids.sum() == 6  # every submission, the retracted one too
    top = queries.top_dealers(start, end)
    assert top[["dealer_id", "sales", "gmv", "earnings"]].values.tolist() == [
        [market["a"], 2, 1_000_000, 975_000], [market["b"], 1, 400_000, 400_000]]
    assert queries.registrations(start, end).registrations.sum() == 6


def test_settlement_health_reads_the_store(market: dict[str, int]) -> None:
    assert settlement_health(utcnow()).iloc[0].unsettled_past_end == 0
    later = settlement_health(utcnow() + timedelta(hours=5)).iloc[0]
    assert (later.unsettled_past_end, later.past_grace) == (1, 1)  # lot6, once past its end


def test_exports_stream_relations(market: dict[str, int]) -> None:
    start, end = window()
    sales = exports.export_sales(start, end).to_arrow_table()
    assert sales.num_rows == 3 and sum(v.as_py() for v in sales["hammer"]) == Decimal("1400000.00")
    bids = exports.export_bids(start, end).to_arrow_table().to_pylist()
    assert len(bids) == 6 and all(len(b["bidder"]) == 10 and b["max_amount"] is None for b in bids)
    assert len({b["bidder"] for b in bids}) == 3  # u1, u2, u3: stable pseudonyms
    named = exports.export_bids(start, end, pseudonymise=False).to_arrow_table().to_pylist()
    assert {b["max_amount"] for b in named} >= {Decimal("450000.00")}
    statements = exports.export_dealer_statements(start, end).to_arrow_table().to_pylist()
    assert sum(s["dealer_earnings"] for s in statements) == Decimal("1375000.00")
    reader = exports.export_audit(start, end).to_arrow_reader(2)
    assert sum(batch.num_rows for batch in reader) > 0


def test_sell_through_counts_closed_lots_only(market: dict[str, int]) -> None:
    """Dealer B: lot5 sold, lot6 still live: one of one closed lots sold, not one of two."""
    row = queries.dealer_summary(market["b"], *window()).iloc[0]
    assert (row.lots_offered, row.lots_closed, row.sold, row.sell_through) == (2, 1, 1, 1.0)
    fresh = queries.dealer_summary(make_dealer().dealer_id or 0, *window()).iloc[0]
    assert fresh.lots_closed == 0 and pd.isna(fresh.sell_through)
