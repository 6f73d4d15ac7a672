"""Operations' two questions to the store, for any adapter: does it answer (the readiness probes), and
how many lots each outcome has settled (the metrics' gauge). Neither takes an actor: a readiness probe
answers whoever reaches it, and /metrics checks the scraper's token before it asks."""

from __future__ import annotations

from sqlmodel import col, func, select

from data.db import get_engine, ping
from data.models import Lot
from data.uow import UnitOfWork


def store_ping() -> None:
    """Raises (an SQLAlchemy error) when the store does not answer."""
    ping(get_engine())


def settled_lot_counts() -> dict[str, int]:
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(Lot.outcome, func.count()).where(col(Lot.outcome).is_not(None))
                                .group_by(col(Lot.outcome))).all()
    return {str(outcome): int(count) for outcome, count in rows}
