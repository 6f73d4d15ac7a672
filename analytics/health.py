"""Settlement health, read from the store itself: the copy lags by seconds, this must not."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not in requirements-dev
from sqlalchemy import func
from sqlmodel import col, select

from data.models import Auction, Lot
from data.uow import UnitOfWork


def settlement_health(now: datetime, grace: timedelta = timedelta(minutes=1)) -> pd.DataFrame:
    """One row: unsettled_past_end (lots of published auctions past their end, not settled: should be
    0 within a second or two while a worker runs), past_grace (those overdue by more than `grace`:
    must be 0), oldest_end (UTC, or None)."""
    query = (select(func.count(), func.count().filter(col(Lot.ends_at) <= now - grace), func.min(Lot.ends_at))
             .join(Auction, col(Auction.id) == Lot.auction_id)
             .where(col(Lot.outcome).is_(None), col(Lot.ends_at) <= now, Auction.status == "scheduled"))
    with UnitOfWork(write=False) as uow:
        due, late, oldest = uow.session.exec(query).one()
    return pd.DataFrame([{"unsettled_past_end": int(due), "past_grace": int(late), "oldest_end": oldest}])
