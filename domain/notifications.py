"""In-app notifications: written inside the transaction that causes them, read by their owner, newest
first. Their wording lives here, in one place: each names the car, the lot and the auction it is about,
and writes money in the app's format (domain.formatting.money).

This is also the one place that decides on email: every notice, however written, passes through
`after_notice` (`after_notices` for a bid batch's), which queues an email in the same transaction when
the recipient chose that kind by email (domain/accounts/notice_email.py; docs/EMAIL.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session
from sqlmodel import col, select

from data.events import touch_users
from data.models import Auction, Bid, Car, Lot, Notification, WatchItem
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.notice_email import notice_email_queue, notice_email_recipients, recipients_found
from domain.formatting import money
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
    TAKEN_DOWN = "taken_down"  # an admin took the lot down: bids voided, nothing sold
    AUCTION_CANCELLED = "auction_cancelled"
    OFFER_DECLINED = "offer_declined"  # the dealer declined a below-reserve bid, or let it lapse


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
    after_notice(uow.session, user_id, kind, message, lot_id)


def after_notice(session: Session, user_id: int, kind: Kind, message: str, lot_id: int | None, *,
                 now: datetime | None = None) -> None:
    """What follows every notice written, here or by the bid's own statement (the outbid note): after
    commit the user's open tabs hear of it (data/events.py), and an email goes with it if they chose
    that kind by email. The caller's transaction carries both: a rollback sends nothing."""
    after_notices(session, kind, lot_id, {user_id: message}, now=now)


def after_notices(session: Session, kind: Kind, lot_id: int | None, messages: dict[int, str], *,
                  now: datetime | None = None, emailed: dict[int, tuple[str, str]] | None = None,
                  about: About | None = None) -> None:
    """`after_notice` for notices of one kind about one lot, `messages` by user (a bid batch outbids
    several bidders): one email question for all of them, and an email each with their latest words.
    A bid has already asked the question (`emailed`) and read the lot (`about`) while holding its lock:
    neither is asked again."""
    touch_users(session, list(messages))
    recipients = (notice_email_recipients(session, list(messages), kind, lot_id) if emailed is None
                  else recipients_found(emailed, kind))
    if recipients:
        if about is None and lot_id is not None:
            about = _about(session, lot_id)
        named = str(about) if about else None
        for recipient in recipients:
            notice_email_queue(session, recipient, message=messages[recipient.user_id], about=named,
                               lot_id=lot_id, now=now or utcnow())


def unread_count(actor: Actor) -> int:
    with UnitOfWork(write=False) as uow:
        return _unread(uow, actor.id)


def _unread(uow: UnitOfWork, user_id: int) -> int:
    query = select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, col(Notification.read_at).is_(None))
    return int(uow.session.exec(query).one())


# Built once, read as plain columns: the list is fetched on every poll of every signed-in client.
_LIST = (sa_select(col(Notification.id), col(Notification.kind), col(Notification.lot_id),
                   col(Notification.message), col(Notification.created_at),
                   col(Notification.read_at).is_not(None))
         .where(col(Notification.user_id) == bindparam("user_id"))
         .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
         .limit(bindparam("limit")))


def notifications_of(actor: Actor, *, limit: int = 50) -> list[NotificationView]:
    with UnitOfWork(write=False) as uow:
        rows = uow.session.execute(_LIST, {"user_id": actor.id, "limit": min(limit, MAX_LIST)})
        return [NotificationView(*row) for row in rows]


_NEWER = (sa_select(col(Notification.id), col(Notification.kind), col(Notification.lot_id),
                    col(Notification.message), col(Notification.created_at),
                    col(Notification.read_at).is_not(None))
          .where(col(Notification.user_id) == bindparam("user_id"),
                 col(Notification.id).between(bindparam("after") + 1, bindparam("last")))
          .order_by(col(Notification.id).desc()).limit(bindparam("limit")))
_LAST_ID = sa_select(func.coalesce(func.max(Notification.id), 0)).where(
    col(Notification.user_id) == bindparam("user_id"))
ALERTS_AT_ONCE = 5  # a tab that was away for long gets the newest few as toasts, the rest in the list


def alerts_after(user_id: int, after: int | None) -> tuple[list[NotificationView], int, int]:
    """The user's notifications newer than `after` (their stream's cursor; None: from now on), oldest
    first, their unread count, and the new cursor. Only ever called for the stream's signed-in user."""
    with UnitOfWork(write=False) as uow:
        last = int(uow.session.execute(_LAST_ID, {"user_id": user_id}).scalar_one())
        if after is None or after >= last:
            return [], -1, last
        rows = uow.session.execute(_NEWER, {"user_id": user_id, "after": after, "last": last,
                                            "limit": ALERTS_AT_ONCE}).all()
        return [NotificationView(*row) for row in reversed(rows)], _unread(uow, user_id), last


def notifications_mark_read(actor: Actor) -> None:
    with UnitOfWork() as uow:
        unread = (col(Notification.user_id) == actor.id, col(Notification.read_at).is_(None))
        uow.session.execute(update(Notification).where(*unread).values(read_at=utcnow()))
        uow.commit()


# --- what notices say --------------------------------------------------------------------------


@dataclass(frozen=True)
class About:
    """The lot a notice is about, as people know it: "2019 Maruti Swift VXI (lot 3, Diwali Deals)"."""

    lot_number: int
    car: str
    auction: str

    def __str__(self) -> str:
        return f"{self.car} (lot {self.lot_number}, {self.auction})"


def about_lot(uow: UnitOfWork, lot_id: int) -> About:
    return _about(uow.session, lot_id)


def _about(session: Session, lot_id: int) -> About:
    row = session.execute(
        sa_select(col(Lot.lot_number), col(Car.year), col(Car.make), col(Car.model), col(Car.variant),
                  col(Auction.title))
        .join(Car, col(Car.id) == Lot.car_id).join(Auction, col(Auction.id) == Lot.auction_id)
        .where(col(Lot.id) == lot_id)).one()
    return About(row[0], car_title(*row[1:5]), row[5])


def participants(uow: UnitOfWork, lot_id: int) -> set[int]:
    """Everyone a change to the lot affects: whoever bid on it (any bid, even one since removed) and
    whoever watches it."""
    bidders = uow.session.exec(select(Bid.bidder_id).where(Bid.lot_id == lot_id).distinct()).all()
    watchers = uow.session.exec(select(WatchItem.user_id).where(WatchItem.lot_id == lot_id)).all()
    return {*bidders, *watchers}


def car_title(year: object, make: str, model: str, variant: str) -> str:
    return f"{year} {make} {model} {variant}".strip()


def outbid_message(about: About, price: Decimal | None) -> str:
    return f"You were outbid on the {about}: the price is now {money(price)}."


@dataclass(frozen=True)
class Notices:
    """Tell people about one lot, inside the caller's transaction."""

    uow: UnitOfWork
    lot_id: int
    about: About

    @classmethod
    def of(cls, uow: UnitOfWork, lot_id: int) -> Notices:
        return cls(uow, lot_id, about_lot(uow, lot_id))

    def _tell(self, user_id: int, kind: Kind, message: str) -> None:
        notify(self.uow, user_id, kind, message, self.lot_id)

    def won(self, user_id: int, hammer: Decimal, owed: Decimal) -> None:
        self._tell(user_id, Kind.WON, f"You won the {self.about} at {money(hammer)}; with the buyer's "
                                      f"premium you owe {money(owed)}.")

    def sold(self, user_id: int, hammer: Decimal) -> None:
        self._tell(user_id, Kind.SOLD, f"Your {self.about} sold for {money(hammer)}.")

    def decision_needed(self, user_id: int, price: Decimal | None) -> None:
        self._tell(user_id, Kind.DECISION_NEEDED, f"Your {self.about} ended below your reserve at "
                                                  f"{money(price)}: accept or decline within 24 hours.")

    def reserve_not_met(self, user_id: int) -> None:
        self._tell(user_id, Kind.RESERVE_NOT_MET, f"The {self.about} ended below the reserve; the dealer "
                                                  "has 24 hours to accept your bid.")

    def lost(self, user_id: int, price: Decimal | None) -> None:
        closing = f"at {money(price)}" if price is not None else "without a standing bid"
        self._tell(user_id, Kind.LOST, f"The {self.about} closed {closing}; you did not win it.")

    def declined(self, user_id: int) -> None:
        self._tell(user_id, Kind.OFFER_DECLINED, f"The dealer declined your bid on the {self.about}.")

    def decision_expired(self, user_id: int) -> None:
        self._tell(user_id, Kind.OFFER_DECLINED, "The dealer did not answer within 24 hours: your bid on "
                                                 f"the {self.about} did not win.")

    def bid_voided(self, user_id: int, reason: str) -> None:
        self._tell(user_id, Kind.BID_REMOVED, f"An admin voided your bid on the {self.about}: {reason}")

    def ending_soon(self, user_id: int) -> None:
        self._tell(user_id, Kind.ENDING_SOON, f"The {self.about}, which you watch, closes within the hour.")

    def taken_down(self, user_id: int, reason: str) -> None:
        self._tell(user_id, Kind.TAKEN_DOWN, f"An admin took down the {self.about}: {reason}. Its bids "
                                             "were voided and it will not be sold.")

    def listing_taken_down(self, user_id: int, reason: str) -> None:
        self._tell(user_id, Kind.TAKEN_DOWN, f"An admin took down your {self.about}: {reason}. The car "
                                             "cannot be listed again until you edit it or an admin "
                                             "restores it.")

    def auction_cancelled(self, user_id: int, reason: str) -> None:
        self._tell(user_id, Kind.AUCTION_CANCELLED, f"The {self.about} will not be sold: the auction was "
                                                    f"cancelled ({reason}).")
