"""In-app notifications: written inside the transaction that causes them, read by their owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from data.models import Notification
from data.types import utcnow
from data.uow import UnitOfWork
from domain.permissions import Actor

MAX_LIST = 100


class Kind(StrEnum):
    OUTBID = "outbid"
    WON = "won"
    LOST = "lost"
    RESERVE_NOT_MET = "reserve_not_met"
    ENDING_SOON = "ending_soon"
    SOLD = "sold"
    DECISION_NEEDED = "decision_needed"
    BID_REMOVED = "bid_removed"
    BOUGHT_NOW = "bought_now"  # a watched lot closed early: someone bought it now


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    lot_id: int | None
    message: str
    created_at: datetime
    read: bool


def notify(uow: UnitOfWork, user_id: int, kind: Kind, message: str, lot_id: int | None = None) -> None:
    uow.session.add(Notification(user_id=user_id, kind=kind, lot_id=lot_id, message=message[:300]))


def unread_count(actor: Actor) -> int:
    with UnitOfWork(write=False) as uow:
        query = select(func.count()).select_from(Notification).where(
            Notification.user_id == actor.id, col(Notification.read_at).is_(None))
        return int(uow.session.exec(query).one())


# Built once, read as plain columns: the list is fetched on every poll of every signed-in client.
_LIST = (sa_select(col(Notification.id), col(Notification.kind), col(Notification.lot_id),
                   col(Notification.message), col(Notification.created_at),
                   col(Notification.read_at).is_not(None))
         .where(col(Notification.user_id) == bindparam("user_id"))
         .order_by(col(Notification.id).desc()).limit(bindparam("limit")))


def notifications_of(actor: Actor, *, limit: int = 50) -> list[NotificationView]:
    with UnitOfWork(write=False) as uow:
        rows = uow.session.execute(_LIST, {"user_id": actor.id, "limit": min(limit, MAX_LIST)})
        return [NotificationView(*row) for row in rows]


def notifications_mark_read(actor: Actor) -> None:
    with UnitOfWork() as uow:
        unread = (col(Notification.user_id) == actor.id, col(Notification.read_at).is_(None))
        uow.session.execute(update(Notification).where(*unread).values(read_at=utcnow()))
        uow.commit()
