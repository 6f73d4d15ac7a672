"""Settling lots (FR19): exactly once, whoever gets there first — a worker, a page, the API.

A lot past its end is settled by a conditional UPDATE (`outcome IS NULL` in the WHERE clause), so of
any number of concurrent settlers exactly one changes the row; the sale row's unique lot id is a
second guard. Sold: the sale is booked with its money. Below reserve: the dealer has 24 hours to
accept or decline the high bid; silence declines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from data.lot_store import lot_decided, lot_settled, lots_expired
from data.models import Auction, Car, Dealer, Lot, LotBidder, Sale
from data.types import utcnow
from data.uow import UnitOfWork
from domain.bidding.fee_schedule import fees_at_hammer
from domain.errors import InvalidTransition, NotFound
from domain.notifications import Notices
from domain.permissions import Actor, require_store_owner
from domain.types import AuctionStatus, CarStatus, LotOutcome

log = logging.getLogger("auction.settlement")
DECISION_WINDOW = timedelta(hours=24)
BATCH = 200


class CarAlreadySold(InvalidTransition):
    """Another lot of this car was sold first (the store's one-sale-per-car key refused this one)."""


def outcome_for(lot: Lot) -> LotOutcome:
    if lot.leader_id is None:
        return LotOutcome.UNSOLD
    if lot.reserve_price is not None and (lot.current_price or 0) < lot.reserve_price:
        return LotOutcome.RESERVE_NOT_MET
    return LotOutcome.SOLD


def settle_lot(lot_id: int, *, now: datetime | None = None) -> bool:
    """Settle one lot if it is due; true only for the one caller that settled it."""
    now = now or utcnow()
    with UnitOfWork() as uow:
        lot = uow.session.get(Lot, lot_id)
        auction = uow.session.get(Auction, lot.auction_id) if lot else None
        if lot is None or auction is None or not _due(lot, auction, now):
            return False
        outcome = outcome_for(lot)
        pending = outcome == LotOutcome.RESERVE_NOT_MET
        if not lot_settled(uow.session, lot_id, outcome=outcome, now=now,
                           decision_due_at=now + DECISION_WINDOW if pending else None):
            return False  # someone else settled it first
        _after_close(uow, lot, auction, outcome, now)
        uow.audit(actor_id=None, action="lot_settle", entity="lots", entity_id=lot_id,
                  after={"outcome": outcome, "price": lot.current_price, "leader": lot.leader_id})
        uow.commit()
        return True


def _due(lot: Lot, auction: Auction, now: datetime) -> bool:
    return lot.outcome is None and lot.ends_at <= now and auction.status == AuctionStatus.SCHEDULED


def _after_close(uow: UnitOfWork, lot: Lot, auction: Auction, outcome: LotOutcome, now: datetime) -> None:
    dealer = uow.session.get(Dealer, auction.dealer_id)
    assert dealer is not None
    if outcome == LotOutcome.SOLD:
        book_sale(uow, lot, auction, dealer)
    else:
        _unlist(uow, lot)
    if outcome == LotOutcome.RESERVE_NOT_MET:
        notices = Notices.of(uow, lot.id or 0)
        notices.decision_needed(dealer.user_id, lot.current_price)
        notices.reserve_not_met(lot.leader_id or 0)
    _tell_losers(uow, lot)


def book_sale(uow: UnitOfWork, lot: Lot, auction: Auction, dealer: Dealer) -> Sale:
    """The sale row, its money, the car marked sold, the winner told. Once per lot and once per car: the
    store's unique keys refuse a second booking whatever the caller checked. The sale is dated at the
    hammer (the lot's end), not when settlement ran, so earnings land in the period the car sold, and
    priced by the fee schedules in force then, whose versions it keeps."""
    assert lot.leader_id is not None and lot.current_price is not None
    fees = fees_at_hammer(uow, dealer.id or 0, lot.current_price, lot.ends_at)
    money = fees.amounts
    sale = Sale(lot_id=lot.id or 0, auction_id=auction.id or 0, dealer_id=dealer.id or 0,
                buyer_id=lot.leader_id, hammer=money.hammer, buyer_premium=money.buyer_premium,
                seller_fee=money.seller_fee, buyer_total=money.buyer_total,
                dealer_earnings=money.dealer_earnings,
                platform_revenue=money.platform_revenue, car_id=lot.car_id, sold_at=lot.ends_at,
                premium_schedule_id=fees.premium_version, seller_fee_schedule_id=fees.seller_fee_version)
    uow.session.add(sale)
    try:
        uow.session.flush()
    except IntegrityError as error:  # another lot of this car sold first (its transaction committed)
        raise CarAlreadySold("This car is already sold: this lot cannot be sold too.") from error
    uow.session.execute(update(Car).where(col(Car.id) == lot.car_id).values(
        status=CarStatus.SOLD, listing_lot_id=None, listing_price=None, listing_ends_at=None))
    uow.record_change("cars", [lot.car_id])
    notices = Notices.of(uow, lot.id or 0)
    notices.won(lot.leader_id, money.hammer, money.buyer_total)
    notices.sold(dealer.user_id, money.hammer)
    return sale


def _unlist(uow: UnitOfWork, lot: Lot) -> None:
    uow.session.execute(update(Car).where(col(Car.listing_lot_id) == lot.id).values(
        listing_lot_id=None, listing_price=None, listing_ends_at=None))
    uow.record_change("cars", [lot.car_id])


def _tell_losers(uow: UnitOfWork, lot: Lot) -> None:
    bidders = uow.session.exec(select(LotBidder.bidder_id).where(LotBidder.lot_id == lot.id)).all()
    losers = [bidder for bidder in bidders if bidder != lot.leader_id]
    if losers:
        notices = Notices.of(uow, lot.id or 0)
        for bidder in losers:
            notices.lost(bidder, lot.current_price)


class Closable(Protocol):
    """A lot as just read (a board): its id, and whether it is past its end and not yet settled."""

    @property
    def lot_id(self) -> int: ...

    @property
    def awaiting_settlement(self) -> bool: ...


C = TypeVar("C", bound=Closable)


def settle_if_due(lot: Closable, *, now: datetime | None = None) -> bool:
    """Settle a lot its reader found past its end, now rather than at the worker's next round; true
    when this call settled it (read it again). Free when the lot is not due: no query at all."""
    return lot.awaiting_settlement and _settle_or_log(lot.lot_id, now or utcnow())


def settled_first(read: Callable[[], C], *, now: datetime | None = None) -> C:
    """`read()`, with the lot settled first if what it read was due: how the lot page, the API's board
    and the live stream show a closed lot with its result at once, worker or not. Reading stays
    reading (the board selector never writes); this is the write, asked for by name."""
    lot = read()
    return read() if settle_if_due(lot, now=now) else lot


def settle_due(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Settle lots past their end (the worker's loop, and any page that needs settled state)."""
    now = now or utcnow()
    with UnitOfWork(write=False) as uow:
        due = uow.session.exec(
            select(Lot.id).join(Auction, col(Auction.id) == Lot.auction_id)
            .where(col(Lot.outcome).is_(None), col(Lot.ends_at) <= now,
                   Auction.status == AuctionStatus.SCHEDULED)
            .order_by(col(Lot.ends_at)).limit(limit)).all()
    return sum(_settle_or_log(lot_id or 0, now) for lot_id in due)


def _settle_or_log(lot_id: int, now: datetime) -> bool:
    """One lot the store refuses to sell (its car sold elsewhere) must not stop the others settling."""
    try:
        return settle_lot(lot_id, now=now)
    except CarAlreadySold:
        log.exception("lot %s not settled: its car is already sold", lot_id)
        return False


def lot_decide(actor: Actor, lot_id: int, *, accept: bool, now: datetime | None = None) -> None:
    """The dealer accepts the high bid of a lot that ended below reserve, or declines it."""
    now = now or utcnow()
    with UnitOfWork() as uow:
        lot = uow.session.get(Lot, lot_id)
        auction = uow.session.get(Auction, lot.auction_id) if lot else None
        if lot is None or auction is None:
            raise NotFound("No such lot.")
        require_store_owner(actor, auction.dealer_id)
        if auction.status == AuctionStatus.CANCELLED:
            raise InvalidTransition("This auction was cancelled: its lots can no longer be sold.")
        decision = "accepted" if accept else "declined"
        if not lot_decided(uow.session, lot_id, decision=decision, now=now, sold=accept):
            raise InvalidTransition("This lot is not waiting for your decision (or the 24 hours are over).")
        dealer = uow.session.get(Dealer, auction.dealer_id)
        assert dealer is not None
        if accept:
            book_sale(uow, lot, auction, dealer)
        else:
            Notices.of(uow, lot_id).declined(lot.leader_id or 0)
        uow.audit(actor_id=actor.id, action=f"lot_{decision}", entity="lots", entity_id=lot_id)
        uow.commit()


def expire_decisions(*, now: datetime | None = None) -> int:
    """No answer within 24 hours means declined (readers already assume it): the high bidder is told."""
    now = now or utcnow()
    with UnitOfWork() as uow:
        overdue = uow.session.exec(select(Lot.id, Lot.lot_number, Lot.leader_id).where(
            col(Lot.decision) == "pending", col(Lot.decision_due_at) <= now)).all()
        if not overdue:
            return 0  # the worker asks every second: nothing is written when nothing is due
        ids = lots_expired(uow.session, [lot_id or 0 for lot_id, _, _ in overdue])
        for lot_id, _, leader in overdue:
            if lot_id in ids:  # of a concurrent answer and this expiry, the guard let one apply
                Notices.of(uow, lot_id or 0).decision_expired(leader or 0)
        uow.commit()
        return len(ids)
