"""The watchlist, and the "ending within the hour" reminder for watched lots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, update
from sqlmodel import col, select

from data.bid_store import insert_once
from data.models import Auction, Car, Lot, WatchItem
from data.types import utcnow
from data.uow import UnitOfWork
from domain.errors import NotFound
from domain.notifications import Notices
from domain.permissions import Actor
from domain.types import AuctionStatus

REMIND_BEFORE = timedelta(hours=1)


@dataclass(frozen=True)
class WatchedLot:
    lot_id: int
    title: str
    price: Decimal
    ends_at: datetime
    outcome: str | None


def watch(actor: Actor, lot_id: int) -> None:
    with UnitOfWork() as uow:
        lot = uow.session.get(Lot, lot_id)
        auction = uow.session.get(Auction, lot.auction_id) if lot else None
        if auction is None or auction.status == AuctionStatus.DRAFT:  # drafts are their dealer's secret
            raise NotFound("No such lot.")
        insert_once(uow.session, WatchItem, {"user_id": actor.id, "lot_id": lot_id, "added_at": utcnow()})
        uow.commit()


def unwatch(actor: Actor, lot_id: int) -> None:
    with UnitOfWork() as uow:
        uow.session.execute(delete(WatchItem).where(col(WatchItem.user_id) == actor.id,
                                                    col(WatchItem.lot_id) == lot_id))
        uow.commit()


def is_watching(actor: Actor, lot_id: int) -> bool:
    with UnitOfWork(write=False) as uow:
        return uow.session.get(WatchItem, (actor.id, lot_id)) is not None


def watchlist_of(actor: Actor) -> list[WatchedLot]:
    query = (select(Lot, Car).join(WatchItem, col(WatchItem.lot_id) == Lot.id)
             .join(Car, col(Car.id) == Lot.car_id).where(WatchItem.user_id == actor.id)
             .order_by(col(Lot.ends_at)))
    with UnitOfWork(write=False) as uow:
        return [WatchedLot(lot.id or 0, f"{car.year} {car.make} {car.model} {car.variant}".strip(),
                           lot.current_price or lot.starting_price, lot.ends_at, lot.outcome)
                for lot, car in uow.session.exec(query).all()]


def remind_ending_soon(*, now: datetime | None = None) -> int:
    """Tell watchers once when a watched lot has less than an hour to go (run by the worker)."""
    now = now or utcnow()
    with UnitOfWork() as uow:
        due = uow.session.exec(
            select(WatchItem, Lot).join(Lot, col(Lot.id) == WatchItem.lot_id).where(
                col(WatchItem.ending_notified).is_(False), col(Lot.outcome).is_(None),
                col(Lot.ends_at) > now, col(Lot.ends_at) <= now + REMIND_BEFORE)).all()
        for item, lot in due:
            Notices.of(uow, lot.id or 0).ending_soon(item.user_id)
            uow.session.execute(update(WatchItem).where(col(WatchItem.user_id) == item.user_id,
                                                        col(WatchItem.lot_id) == item.lot_id)
                                .values(ending_notified=True))
        uow.commit()
        return len(due)
