"""The watchlist, and the "ending within the hour" reminder for watched lots. The services receive
the unit of work they run in (the real store by default); their queries live in `data/watch_store.py`
(docs/STORE.md, "The storage seam")."""

from __future__ import annotations

from datetime import datetime, timedelta

from data.types import utcnow
from data.watch_store import WatchedLot, WatchUnit, WatchUnitOfWork
from domain.errors import NotFound
from domain.notifications import Notices
from domain.permissions import Actor

__all__ = ["REMIND_BEFORE", "WatchedLot", "is_watching", "remind_ending_soon", "unwatch", "watch",
           "watchlist_of"]

REMIND_BEFORE = timedelta(hours=1)


def watch(actor: Actor, lot_id: int, *, uow: WatchUnit | None = None) -> None:
    """Watch a lot (again is once). A draft's lot does not exist for anyone but its dealer."""
    with uow or WatchUnitOfWork() as unit:
        if not unit.watches.lot_is_public(lot_id):
            raise NotFound("No such lot.")
        unit.watches.add(actor.id, lot_id, utcnow())
        unit.commit()


def unwatch(actor: Actor, lot_id: int, *, uow: WatchUnit | None = None) -> None:
    with uow or WatchUnitOfWork() as unit:
        unit.watches.remove(actor.id, lot_id)
        unit.commit()


def is_watching(actor: Actor, lot_id: int, *, uow: WatchUnit | None = None) -> bool:
    with uow or WatchUnitOfWork(write=False) as unit:
        return unit.watches.has(actor.id, lot_id)


def watchlist_of(actor: Actor, *, uow: WatchUnit | None = None) -> list[WatchedLot]:
    """The actor's watched lots, soonest to close first."""
    with uow or WatchUnitOfWork(write=False) as unit:
        return unit.watches.watched(actor.id)


def remind_ending_soon(*, now: datetime | None = None) -> int:
    """Tell watchers once when a watched lot has less than an hour to go (run by the worker). It
    writes notices too, which have no store of their own yet: it runs on the real unit of work only."""
    now = now or utcnow()
    with WatchUnitOfWork() as uow:
        due = uow.watches.due_reminders(now, REMIND_BEFORE)
        for user_id, lot_id in due:
            Notices.of(uow, lot_id).ending_soon(user_id)
            uow.watches.mark_reminded(user_id, lot_id)
        uow.commit()
        return len(due)
