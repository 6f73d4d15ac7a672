"""Every write to a lot's state: price, leader, counters, end, outcome, decision, version.

A bid, a purchase, a replay after a retraction or a void, a takedown, a settlement, the dealer's answer
below reserve, an expired answer, a cancelled auction and a listing edited live all change a lot here and
nowhere else, so what must follow any change of a lot is written once, in `lots_changed`: the version is
bumped (the live boards' compare-and-set and event id), a change-log row is appended (the analytics copy
follows the store) and the lot is noted, so its `{lot_id, version}` is announced at commit
(data/events.py). A rule added there (a notification hook, say) reaches every path.

The bids are the one exception to "one statement per call": on PostgreSQL a batch of bids on one lot is
a single statement of chained CTEs (data/bid_store.py), which takes its lot update from `bid_applied`
here and writes the lot's change-log row in the same statement; it then calls
`lots_changed(..., logged=True)`.

All writes are Core UPDATEs (never ORM attribute changes), each bumping `version` once; a `Lot` the
session has loaded is expired, so whoever holds it reads the new state on next access.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Table, case, delete, literal_column, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key
from sqlmodel import SQLModel

from data.events import touch_lots
from data.models import Car, Lot, LotBidder
from data.uow import record_changes


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


_lots, _cars, _lot_bidders = _table(Lot), _table(Car), _table(LotBidder)
# The 1 in the statement's text, not a parameter: the bid's write must stay short (data/bid_store._constant).
_NEXT_VERSION = {"version": _lots.c.version + literal_column("1", Integer)}


def lots_changed(session: Session, lot_ids: Iterable[int], *, logged: bool = False) -> None:
    """What follows every change of a lot, whatever made it: its change-log row (unless the caller's
    statement wrote it: the bid's) and the board event at commit. Loaded `Lot` objects are expired."""
    ids = sorted(set(lot_ids))
    if not ids:
        return
    for lot_id in ids:
        loaded = session.identity_map.get(identity_key(Lot, lot_id))
        if loaded is not None:
            session.expire(loaded)
    if logged:
        touch_lots(session, ids)
    else:
        record_changes(session, "lots", ids)  # which notes the lots for the board event too


def _write(session: Session, *where: Any, **values: Any) -> list[int]:
    """The one UPDATE of lots (version bumped once); the ids it changed, each announced."""
    statement = update(_lots).where(*where).values(**values, **_NEXT_VERSION).returning(_lots.c.id)
    ids = [int(lot_id) for lot_id in session.execute(statement).scalars()]
    lots_changed(session, ids)
    return ids


def bid_applied(*, lot: Any, price: Any, leader: Any, leader_max: Any, ends_at: Any, extended: Any,
                bids_added: Any, bidders_added: Any) -> Any:
    """The lot after a batch of accepted bids, as a statement of bound parameters (built once, at import,
    by the bid path, which runs it inside its single statement)."""
    return (update(_lots).where(_lots.c.id == lot)
            .values(current_price=price, leader_id=leader, leader_max=leader_max, ends_at=ends_at,
                    extended=extended, bid_count=_lots.c.bid_count + bids_added,
                    bidder_count=_lots.c.bidder_count + bidders_added, **_NEXT_VERSION))


def lot_bought(session: Session, lot_id: int, *, buyer_id: int, price: Decimal, now: datetime,
               bidders_added: int) -> None:
    """Buy now: the lot ends at once, sold at its buy-now price (the caller holds the lot's lock)."""
    _write(session, _lots.c.id == lot_id, current_price=price, leader_id=buyer_id, leader_max=price,
           ends_at=now, outcome="sold", settled_at=now, bid_count=_lots.c.bid_count + 1,
           bidder_count=_lots.c.bidder_count + bidders_added)


@dataclass(frozen=True)
class Standing:
    """A lot's price, leader and bidders as its remaining active bids make them (a replay's result)."""

    price: Decimal | None
    leader_id: int | None
    leader_max: Decimal | None
    bid_count: int
    bidders: Collection[int]


def lot_replayed(session: Session, lot_id: int, standing: Standing, *, outcome: str | None = None,
                 now: datetime | None = None) -> None:
    """The lot as its remaining bids make it (after a retraction or a void); with `outcome`, closed as
    well in the same write (a takedown). A bidder left without an active bid is no longer one of the
    lot's bidders: if they come back, their next bid counts them again. The car's listing follows."""
    session.execute(delete(_lot_bidders).where(_lot_bidders.c.lot_id == lot_id,
                                               _lot_bidders.c.bidder_id.not_in(list(standing.bidders))))
    closing = {"outcome": outcome, "settled_at": now} if outcome is not None else {}
    _write(session, _lots.c.id == lot_id, current_price=standing.price, leader_id=standing.leader_id,
           leader_max=standing.leader_max, bid_count=standing.bid_count,
           bidder_count=len(set(standing.bidders)), **closing)
    listed = session.execute(update(_cars).where(_cars.c.listing_lot_id == lot_id)
                             .values(listing_price=standing.price or _starting_price(lot_id))
                             .returning(_cars.c.id)).scalars().all()
    record_changes(session, "cars", [int(car_id) for car_id in listed])


def _starting_price(lot_id: int) -> Any:
    return select(_lots.c.starting_price).where(_lots.c.id == lot_id).scalar_subquery()


def lot_settled(session: Session, lot_id: int, *, outcome: str, now: datetime,
                decision_due_at: datetime | None) -> bool:
    """Close a lot past its end with its outcome; true only for the one caller that did (the guard
    `outcome IS NULL` decides among concurrent settlers). Below reserve, the dealer's answer is due."""
    return bool(_write(session, _lots.c.id == lot_id, _lots.c.outcome.is_(None), _lots.c.ends_at <= now,
                       outcome=outcome, settled_at=now, decision_due_at=decision_due_at,
                       decision="pending" if decision_due_at is not None else None))


def lot_decided(session: Session, lot_id: int, *, decision: str, now: datetime, sold: bool) -> bool:
    """The dealer's answer to a lot that closed below reserve, while it is still awaited; true if it
    applied. The same guard (`decision = 'pending'`) as expiry and cancellation: of them, one wins."""
    return bool(_write(session, _lots.c.id == lot_id, _lots.c.decision == "pending",
                       _lots.c.decision_due_at > now, decision=decision,
                       **({"outcome": "sold"} if sold else {})))


def lots_expired(session: Session, lot_ids: Collection[int]) -> list[int]:
    """Unanswered reserve decisions past their 24 hours become `expired`; the ids that did."""
    return _write(session, _lots.c.id.in_(list(lot_ids)), _lots.c.decision == "pending", decision="expired")


def lots_cancelled(session: Session, auction_id: int) -> list[int]:
    """An auction cancelled: its lots still to be decided change (their boards show the cancellation),
    and answers still pending below reserve are withdrawn. The ids changed."""
    pending = _lots.c.decision == "pending"
    return _write(session, _lots.c.auction_id == auction_id, or_(_lots.c.outcome.is_(None), pending),
                  decision=case((pending, "cancelled"), else_=_lots.c.decision))


def lot_listing_edited(session: Session, lot_id: int, *, now: datetime) -> None:
    """The car of this live lot was edited: bidders see "updated after bidding started"."""
    _write(session, _lots.c.id == lot_id, changed_after_bids_at=now)
