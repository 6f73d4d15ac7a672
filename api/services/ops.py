"""Readiness and operational counts, read from the store."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import col, func, select

from data.models import Lot
from data.uow import UnitOfWork


def store_ping() -> None:
    """Raises (an SQLAlchemy error) when the store does not answer."""
    with UnitOfWork(write=False) as uow:
        uow.session.exec(select(text("1"))).one()  # type: ignore[call-overload]


def settled_lot_counts() -> dict[str, int]:
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(Lot.outcome, func.count()).where(col(Lot.outcome).is_not(None))
                                .group_by(col(Lot.outcome))).all()
    return {str(outcome): int(count) for outcome, count in rows}
