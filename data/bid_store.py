"""The store side of bidding: the lot lock and the insert-once rows. Dialect differences live here.

PostgreSQL: the lot row is locked (SELECT ... FOR UPDATE OF lots) for the few statements of a bid.
SQLite has no row locks; its write units of work start with BEGIN IMMEDIATE (data/db.py), which
serialises writers for the whole transaction, so the same code is safe there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from data.models import Auction, Dealer, Lot


def lock_lot(session: Session, lot_id: int) -> tuple[Lot, Auction, Dealer] | None:
    """The lot (locked until commit), its auction and the selling store."""
    query = (select(Lot, Auction, Dealer)
             .join(Auction, col(Auction.id) == Lot.auction_id)
             .join(Dealer, col(Dealer.id) == Auction.dealer_id)
             .where(Lot.id == lot_id)
             .with_for_update(of=Lot))  # type: ignore[arg-type]
    row = session.exec(query).first()
    return (row[0], row[1], row[2]) if row else None


def insert_once(session: Session, model: type[SQLModel], values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; true when this call inserted the row."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__  # type: ignore[attr-defined]
    # RETURNING says whether a row went in; rowcount is not reliable for this on every driver.
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(literal(1))
    return session.execute(statement).first() is not None
