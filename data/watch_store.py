"""The watchlist's storage: every query the watchlist services (`domain/auctions/watchlist.py`) make,
and the unit of work they run in. The services see only the `WatchUnit` and `WatchStore` protocols,
so they run as well on `WatchUnitOfWork` (the real store, both dialects) as on an in-memory fake
(tests/unit/test_watchlist_service.py). How the seam works and how other contexts follow it:
docs/STORE.md, "The storage seam"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from data.bid_store import insert_once
from data.enums import AuctionStatus
from data.models import Auction, Car, Lot, WatchItem
from data.uow import UnitOfWork


@dataclass(frozen=True)
class WatchedLot:
    """A lot on a user's watchlist (the read model pages and the API show)."""

    lot_id: int
    title: str
    price: Decimal
    ends_at: datetime
    outcome: str | None


class WatchStore(Protocol):
    def lot_is_public(self, lot_id: int) -> bool: ...
    def add(self, user_id: int, lot_id: int, at: datetime) -> None: ...
    def remove(self, user_id: int, lot_id: int) -> None: ...
    def has(self, user_id: int, lot_id: int) -> bool: ...
    def watched(self, user_id: int) -> list[WatchedLot]: ...


class WatchUnit(Protocol):
    """One transaction with the watchlist's store: nothing stays unless `commit` is called."""

    watches: WatchStore

    def __enter__(self) -> WatchUnit: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...


class SqlWatchStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lot_is_public(self, lot_id: int) -> bool:
        """The lot exists in a published auction (a draft is its dealer's secret)."""
        status = self.session.exec(select(Auction.status).join(Lot, col(Lot.auction_id) == Auction.id)
                                   .where(Lot.id == lot_id)).first()
        return status is not None and status != AuctionStatus.DRAFT

    def add(self, user_id: int, lot_id: int, at: datetime) -> None:
        insert_once(self.session, WatchItem, {"user_id": user_id, "lot_id": lot_id, "added_at": at})

    def remove(self, user_id: int, lot_id: int) -> None:
        self.session.execute(delete(WatchItem).where(col(WatchItem.user_id) == user_id,
                                                     col(WatchItem.lot_id) == lot_id))

    def has(self, user_id: int, lot_id: int) -> bool:
        return self.session.get(WatchItem, (user_id, lot_id)) is not None

    def watched(self, user_id: int) -> list[WatchedLot]:
        query = (select(Lot, Car).join(WatchItem, col(WatchItem.lot_id) == Lot.id)
                 .join(Car, col(Car.id) == Lot.car_id).where(WatchItem.user_id == user_id)
                 .order_by(col(Lot.ends_at)))
        return [WatchedLot(lot.id or 0, f"{car.year} {car.make} {car.model} {car.variant}".strip(),
                           lot.current_price or lot.starting_price, lot.ends_at, lot.outcome)
                for lot, car in self.session.exec(query).all()]

    def due_reminders(self, now: datetime, within: timedelta) -> list[tuple[int, int]]:
        """(watcher, lot) pairs not yet told that the open lot closes within `within`."""
        return [(user_id, lot_id) for user_id, lot_id in self.session.exec(
            select(WatchItem.user_id, WatchItem.lot_id).join(Lot, col(Lot.id) == WatchItem.lot_id).where(
                col(WatchItem.ending_notified).is_(False), col(Lot.outcome).is_(None),
                col(Lot.ends_at) > now, col(Lot.ends_at) <= now + within)).all()]

    def mark_reminded(self, user_id: int, lot_id: int) -> None:
        self.session.execute(update(WatchItem).where(col(WatchItem.user_id) == user_id,
                                                     col(WatchItem.lot_id) == lot_id)
                             .values(ending_notified=True))


class WatchUnitOfWork(UnitOfWork):
    """The real unit of work, with the watchlist's store on its session."""

    watches: SqlWatchStore

    def __enter__(self) -> WatchUnitOfWork:
        super().__enter__()
        self.watches = SqlWatchStore(self.session)
        return self
