"""The dashboards' numbers: one thin function per named query in `analytics/sql/`.

Each runs its query on the DuckDB copy (`analytics.reader`) with bound parameters and returns a
pandas DataFrame. Ranges are half-open [start, end) of aware UTC datetimes. Money columns are rupees:
DECIMAL(18, 2) in SQL, which DuckDB hands to pandas as float64 (fine for charts; exports keep
DECIMAL). Ratios are float64.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not in requirements-dev

from analytics.reader import connect
from analytics.sqlfiles import sql_text

Period = Literal["day", "week", "month"]
PERIODS = ("day", "week", "month")


def run(name: str, **params: Any) -> pd.DataFrame:
    """Run one named query on the copy with these bound parameters."""
    with connect() as cursor:
        return cursor.execute(sql_text(name), params).df()


def _period(period: str) -> str:
    if period not in PERIODS:  # it is bound as a parameter, but say clearly what is allowed
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    return period


# --- Dealer dashboard (FR23) -------------------------------------------------------------------


def dealer_summary(dealer_id: int, start: datetime, end: datetime) -> pd.DataFrame:
    """One row over the dealer's lots ending in [start, end): auctions_held, lots_offered, lots_closed,
    sold, unsold, reserve_not_met, sell_through (sold/closed, NaN before any lot closed), gross_hammer
    and earnings (rupees), avg_hammer_to_reserve, avg_hammer_to_starting, bids_per_lot and
    bidders_per_lot (active bids)."""
    return run("dealer_summary", dealer_id=dealer_id, start=start, end=end)


def dealer_earnings(dealer_id: int, start: datetime, end: datetime, period: Period = "week",
                    tz: str = "Asia/Kolkata") -> pd.DataFrame:
    """Per calendar period of `tz` (sale time): period_start (local, naive), sales, hammer, seller_fees,
    earnings (rupees)."""
    return run("dealer_earnings", dealer_id=dealer_id, start=start, end=end, period=_period(period), tz=tz)


def dealer_top_models(dealer_id: int, start: datetime, end: datetime, limit: int = 10) -> pd.DataFrame:
    """make, model, sold, total_hammer, avg_hammer (rupees), best sellers first."""
    return run("dealer_top_models", dealer_id=dealer_id, start=start, end=end, limit=limit)


def dealer_bid_hours(dealer_id: int, start: datetime, end: datetime,
                     tz: str = "Asia/Kolkata") -> pd.DataFrame:
    """24 rows: hour (0-23 in `tz`), bids (active bids on the dealer's lots placed in the range)."""
    return run("dealer_bid_hours", dealer_id=dealer_id, start=start, end=end, tz=tz)


def dealer_lots(dealer_id: int, start: datetime, end: datetime) -> pd.DataFrame:
    """The dealer's lots ending in the range with outcome, prices, hammer and earnings (rupees)."""
    return run("dealer_lots", dealer_id=dealer_id, start=start, end=end)


def lot_price_curve(dealer_id: int, lot_id: int) -> pd.DataFrame:
    """bid_id, placed_at, price (rupees) after each active bid of the dealer's lot, in order."""
    return run("lot_price_curve", dealer_id=dealer_id, lot_id=lot_id)


# --- Admin dashboard ---------------------------------------------------------------------------


def platform_summary(start: datetime, end: datetime) -> pd.DataFrame:
    """One row: sales, gmv, platform_revenue, buyer_premium, seller_fees (rupees, by sale time),
    lots_offered, lots_sold and conversion (lots ending in the range)."""
    return run("platform_summary", start=start, end=end)


def users_by_role(now: datetime) -> pd.DataFrame:
    """role, registered, active_30d. Active: placed a bid or signed in (audit 'login') in 30 days."""
    return run("users_by_role", now=now)


def live_now(now: datetime) -> pd.DataFrame:
    """One row: live_auctions, live_lots at `now`."""
    return run("live_now", now=now)


def bids_per_hour(start: datetime, end: datetime) -> pd.DataFrame:
    """hour (UTC), bids (every submission), bidders (distinct)."""
    return run("bids_per_hour", start=start, end=end)


def top_dealers(start: datetime, end: datetime, limit: int = 10) -> pd.DataFrame:
    """dealer_id, store_name, city, sales, gmv, earnings, platform_revenue (rupees, by sale time)."""
    return run("top_dealers", start=start, end=end, limit=limit)


def registrations(start: datetime, end: datetime, period: Period = "day",
                  tz: str = "Asia/Kolkata") -> pd.DataFrame:
    """period_start (local to `tz`, naive), registrations."""
    return run("registrations", start=start, end=end, period=_period(period), tz=tz)
