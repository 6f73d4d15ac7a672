"""Placing a bid (FR16, FR17) and buying now: one short transaction with the lot locked.

`bid_place` checks the bidder and the amount, locks the lot (a row lock on PostgreSQL, an immediate
transaction on SQLite: data/bid_store.py), asks the pure rules what happens, and writes the lot, the
bid, the counters, the notifications, the audit entry and the change log together. A resubmitted form
(the same idempotency key) returns the first answer and places nothing twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from data.bid_store import insert_once, lock_lot
from data.models import Auction, AuctionParticipant, Bid, Car, Dealer, Lot, LotBidder, User
from data.types import utcnow
from data.uow import UnitOfWork
from domain.auction_rules import money
from domain.bidding import hooks
from domain.bidding.ladder import ladder_load
from domain.bidding.rules import Decision, LotState, Outcome, apply_bid, minimum_bid, soft_close
from domain.bidding.settlement import book_sale
from domain.errors import DomainError, Forbidden, NotFound, ValidationFailed
from domain.lifecycle import lot_is_open
from domain.notifications import Kind, notify
from domain.permissions import Action, Actor, require
from domain.types import LotOutcome, UserStatus

RETRIES = 3
WRITERS_PER_LOT = 2  # per process: more only queue on the row lock, holding pooled connections
_gates: dict[int, threading.BoundedSemaphore] = {}
_gates_lock = threading.Lock()


@contextmanager
def lot_gate(lot_id: int) -> Iterator[None]:
    """Cap this process's writers on one lot. A hot lot's bids wait here, in memory, instead of in
    the database holding connections, so the lock on its row is held briefly and by few."""
    with _gates_lock:
        gate = _gates.setdefault(lot_id, threading.BoundedSemaphore(WRITERS_PER_LOT))
    with gate:
        yield


class LotClosed(DomainError):
    pass


class OwnLot(Forbidden):
    pass


@dataclass(frozen=True)
class BidReceipt:
    bid_id: int
    outcome: Outcome
    price: Decimal
    leading: bool
    minimum_next: Decimal
    ends_at: datetime
    extended: bool
    repeated: bool = False  # the same submission arrived again: nothing new was placed


def bid_place(actor: Actor, *, lot_id: int, maximum: object, key: str,
              now: datetime | None = None) -> BidReceipt:
    require(actor, Action.BID)
    amount = _amount(maximum)
    key = _key(key)
    for _ in range(RETRIES):
        earlier = _earlier_submission(actor.id, key)
        if earlier is not None:
            return earlier
        try:
            with lot_gate(lot_id):
                return _place(actor, lot_id, amount, key, now or utcnow())
        except IntegrityError:  # the same key committed by a concurrent double click: answer with it
            continue
    raise DomainError("Your bid could not be confirmed; please look at the lot and try again.")


def _amount(value: object) -> Decimal:
    try:
        amount = money(value, label="Your maximum bid")
    except ValueError as error:
        raise ValidationFailed({"maximum": str(error)}) from None
    assert amount is not None
    return amount


def _key(key: str) -> str:
    if not isinstance(key, str) or not 8 <= len(key) <= 64:
        raise ValidationFailed({"key": "A bid needs a submission key of 8 to 64 characters."})
    return key


def _place(actor: Actor, lot_id: int, amount: Decimal, key: str, now: datetime) -> BidReceipt:
    with UnitOfWork() as uow:
        _require_active(uow, actor.id)
        ladder = ladder_load(uow)
        lot, auction, dealer = _locked_open_lot(uow, lot_id, now)
        if dealer.id == actor.dealer_id or dealer.user_id == actor.id:
            raise OwnLot("This lot is from your own store: you cannot bid on it.")
        decision = apply_bid(_state(lot), actor.id, amount, ladder)
        previous_leader = lot.leader_id
        extended = _apply(uow, lot, auction, decision, bidder=actor.id, now=now)
        bid = Bid(lot_id=lot_id, auction_id=auction.id or 0, bidder_id=actor.id, max_amount=amount,
                  price_after=decision.state.price or amount, leader_after=decision.state.leader or actor.id,
                  placed_at=now, idempotency_key=key)
        uow.session.add(bid)
        _tell_outbid(uow, previous_leader, decision, lot)
        uow.audit(actor_id=actor.id, action="bid_place", entity="lots", entity_id=lot_id,
                  after={"outcome": decision.outcome, "price": decision.state.price, "key": key})
        uow.session.flush()
        hooks.inside_bid_transaction(lot_id)
        uow.commit()
        return _receipt(bid, decision, lot, ladder_min=minimum_bid(decision.state, ladder),
                        extended=extended, bidder=actor.id)


def _require_active(uow: UnitOfWork, user_id: int) -> None:
    status = uow.session.exec(select(User.status).where(User.id == user_id)).first()
    if status != UserStatus.ACTIVE:
        raise Forbidden("Your account cannot bid right now.")


def _locked_open_lot(uow: UnitOfWork, lot_id: int, now: datetime) -> tuple[Lot, Auction, Dealer]:
    row = lock_lot(uow.session, lot_id)
    if row is None:
        raise NotFound("No such lot.")
    lot, auction, dealer = row
    if not lot_is_open(auction.status, auction.starts_at, lot.ends_at, lot.outcome, now):
        if now < auction.starts_at:
            raise LotClosed("Bidding on this lot has not started yet.")
        raise LotClosed("Bidding on this lot has closed.")
    return lot, auction, dealer


def _state(lot: Lot) -> LotState:
    return LotState(lot.starting_price, lot.reserve_price, lot.current_price, lot.leader_id, lot.leader_max)


def _apply(uow: UnitOfWork, lot: Lot, auction: Auction, decision: Decision, *, bidder: int,
           now: datetime) -> bool:
    """Write the new state on the lot, its counters, and the car's listing; true if it was extended."""
    first_on_lot = insert_once(uow.session, LotBidder, {"lot_id": lot.id, "bidder_id": bidder})
    insert_once(uow.session, AuctionParticipant, {"auction_id": auction.id, "bidder_id": bidder,
                                                  "joined_at": now})
    new_end = soft_close(lot.ends_at, now, window=timedelta(seconds=auction.soft_close_window_s),
                         extension=timedelta(seconds=auction.soft_close_extension_s),
                         latest=auction.latest_end_at)
    extended = new_end > lot.ends_at
    lot.current_price, lot.leader_id = decision.state.price, decision.state.leader
    lot.leader_max, lot.ends_at = decision.state.leader_max, new_end
    lot.bid_count += 1
    lot.bidder_count += int(first_on_lot)
    lot.extended = lot.extended or extended
    lot.version += 1
    if extended and new_end > auction.ends_at:
        auction.ends_at = new_end
    uow.session.execute(update(Car).where(col(Car.id) == lot.car_id)
                        .values(listing_price=lot.current_price, listing_ends_at=new_end))
    uow.record_change("cars", [lot.car_id])
    return extended


def _tell_outbid(uow: UnitOfWork, previous: int | None, decision: Decision, lot: Lot) -> None:
    if previous is not None and previous != decision.state.leader:
        notify(uow, previous, Kind.OUTBID, f"You were outbid on lot {lot.lot_number}: the price is now "
               f"{decision.state.price:,.0f}.", lot.id)


def _receipt(bid: Bid, decision: Decision, lot: Lot, *, ladder_min: Decimal, extended: bool,
             bidder: int, repeated: bool = False) -> BidReceipt:
    price = decision.state.price or lot.starting_price
    return BidReceipt(bid.id or 0, decision.outcome, price, decision.state.leader == bidder, ladder_min,
                      lot.ends_at, extended, repeated)


def _earlier_submission(bidder: int, key: str) -> BidReceipt | None:
    with UnitOfWork(write=False) as uow:
        row = uow.session.exec(select(Bid, Lot).join(Lot, col(Lot.id) == Bid.lot_id)
                               .where(Bid.bidder_id == bidder, Bid.idempotency_key == key)).first()
        if row is None:
            return None
        bid, lot = row
        ladder = ladder_load(uow)
        outcome = Outcome.LEADING if bid.leader_after == bidder else Outcome.OUTBID
        state = LotState(lot.starting_price, lot.reserve_price, lot.current_price, lot.leader_id)
        return BidReceipt(bid.id or 0, outcome, bid.price_after, lot.leader_id == bidder,
                          minimum_bid(state, ladder), lot.ends_at, lot.extended, repeated=True)


def buy_now_available(lot: Lot) -> bool:
    """Until the reserve is met (or, with no reserve, until the first bid)."""
    if lot.buy_now_price is None or lot.outcome is not None:
        return False
    if lot.reserve_price is None:
        return lot.leader_id is None
    return lot.current_price is None or lot.current_price < lot.reserve_price


def lot_buy_now(actor: Actor, *, lot_id: int, key: str, now: datetime | None = None) -> BidReceipt:
    """Buy at the buy-now price: the lot ends at once, sold to this bidder."""
    require(actor, Action.BID)
    key, now = _key(key), now or utcnow()
    earlier = _earlier_submission(actor.id, key)
    if earlier is not None:
        return earlier
    with UnitOfWork() as uow:
        _require_active(uow, actor.id)
        lot, auction, dealer = _locked_open_lot(uow, lot_id, now)
        if dealer.id == actor.dealer_id or dealer.user_id == actor.id:
            raise OwnLot("This lot is from your own store: you cannot buy it.")
        if not buy_now_available(lot) or lot.buy_now_price is None:
            raise LotClosed("Buy now is no longer available on this lot.")
        price = lot.buy_now_price
        first_on_lot = insert_once(uow.session, LotBidder, {"lot_id": lot.id, "bidder_id": actor.id})
        insert_once(uow.session, AuctionParticipant, {"auction_id": auction.id, "bidder_id": actor.id,
                                                      "joined_at": now})
        lot.current_price, lot.leader_id, lot.leader_max, lot.ends_at = price, actor.id, price, now
        lot.bidder_count += int(first_on_lot)
        lot.outcome, lot.settled_at = LotOutcome.SOLD, now
        lot.bid_count, lot.version = lot.bid_count + 1, lot.version + 1
        bid = Bid(lot_id=lot_id, auction_id=auction.id or 0, bidder_id=actor.id, max_amount=price,
                  price_after=price, leader_after=actor.id, placed_at=now, idempotency_key=key)
        uow.session.add(bid)
        uow.session.flush()
        book_sale(uow, lot, auction, dealer, now)
        uow.audit(actor_id=actor.id, action="buy_now", entity="lots", entity_id=lot_id,
                  after={"price": price, "key": key})
        uow.commit()
        return BidReceipt(bid.id or 0, Outcome.LEADING, price, True, price, now, False)
