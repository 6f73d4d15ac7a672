"""Placing a bid (FR16, FR17) and buying now: one short transaction with the lot locked.

`bid_place` checks the amount, locks the lot and reads with it all a bid needs (a row lock on
PostgreSQL, an immediate transaction on SQLite: data/bid_store.py), checks the bidder and the clock, asks
the pure rules what happens, and writes the lot, the bid, the counters, the notification, the audit entry
and the change log together (one statement on PostgreSQL), then commits: the lot stays locked for three
round trips. Bids on one lot that arrive together share one transaction (combiner.py, `_LockedBatch`):
the lot is read once, each bid is decided in turn against the lot as the bids before it left it, and the
accepted ones are written together. A resubmitted form (the same idempotency key) returns the first
answer and places nothing twice: the lock query finds the earlier bid, and the bids' unique key catches a
double click that commits while the second copy waits for the lock (or, if the rules refuse the copy, a
fresh look does: resubmission.py); a copy in the same batch as its twin is answered as the twin.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from data.bid_store import (
    Ask,
    BidWrite,
    LotForBid,
    bid_writes,
    bidders_for_bids,
    insert_once,
    lot_for_bid,
)
from data.lot_store import lot_bought
from data.models import Auction, AuctionParticipant, Bid, Dealer, Lot, LotBidder
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.email_preferences import DEFAULTS, Topic
from domain.auctions.lifecycle import lot_is_open
from domain.bidding import hooks
from domain.bidding.closing_notices import tell_buy_now
from domain.bidding.combiner import Combiner
from domain.bidding.resubmission import check_same_submission, fingerprint, twin_committed_meanwhile
from domain.bidding.rules import Decision, Ladder, LotState, Outcome, apply_bid, minimum_bid, soft_close
from domain.bidding.settlement import book_sale
from domain.errors import DomainError, Forbidden, NotFound, ValidationFailed
from domain.formatting import parse_amount
from domain.notifications import About, Kind, after_notices, outbid_message
from domain.oversight import limits
from domain.permissions import Action, Actor, require
from domain.types import LotPrices, UserStatus

RETRIES = 3
# Bids of one lot in one transaction. More share a commit, but wait longer while other processes'
# batches hold the lock, and a bid made long ago is more often outbid by then: 8 accepted the most.
BATCH_LIMIT = 8


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


@dataclass(frozen=True)
class _BidRequest:
    actor: Actor
    lot_id: int
    amount: Decimal
    key: str
    now: datetime | None

    @property
    def fingerprint(self) -> str:
        return fingerprint("bid", self.lot_id, self.amount)


def bid_place(actor: Actor, *, lot_id: int, maximum: Decimal, key: str,
              now: datetime | None = None) -> BidReceipt:
    """Place a bid of up to `maximum`; `now` defaults to the moment the lot's lock is granted.

    Bids for the same lot that reach this process together are placed in one transaction (see
    combiner.py); each is still checked, decided and recorded on its own, in arrival order."""
    require(actor, Action.BID)
    request = _BidRequest(actor, lot_id, _amount(maximum), _key(key), now)
    limits.check_bid(actor, now)
    return _lot_batches.submit(lot_id, request)


def _place_batch(requests: list[_BidRequest]) -> list[BidReceipt | BaseException]:
    if len(requests) > 1:
        try:
            return _in_one_transaction(requests)
        except IntegrityError:  # a double click committed by another process meanwhile: one at a time
            pass
    return [_alone(request) for request in requests]


def _alone(request: _BidRequest) -> BidReceipt | BaseException:
    for _ in range(RETRIES):
        try:
            return _in_one_transaction([request])[0]
        except IntegrityError:  # the same key committed by a concurrent double click: answer with it
            continue
    return DomainError("Your bid could not be confirmed; please look at the lot and try again.")


def _in_one_transaction(requests: list[_BidRequest]) -> list[BidReceipt | BaseException]:
    """Each bid decided in turn under one lock, the accepted ones written together, one commit. A refused
    bid writes nothing, so the others stand; a store error (the bids' unique key included) rolls the
    whole batch back."""
    with UnitOfWork() as uow:
        batch = _LockedBatch(uow.session.connection(), requests)
        answers = [_answer(batch, request) for request in requests]
        writes = list(batch.written.values())
        written = bid_writes(uow.session, writes, outbid_email_default=_OUTBID_EMAILED) if writes else None
        ids = dict(zip(batch.written, written.ids, strict=True)) if written else {}
        displaced, now = batch.displaced()
        if written and displaced:  # the notes were written by the bids' own statement: their push and email
            after_notices(uow.session, Kind.OUTBID, requests[0].lot_id, displaced, now=now,
                          emailed=written.emailed, about=batch.about())
        hooks.inside_bid_transaction(requests[0].lot_id)
        uow.commit()
    return [replace(answer.receipt, bid_id=ids[answer.ask]) if isinstance(answer, _Placed) else answer
            for answer in answers]


def _answer(batch: _LockedBatch, request: _BidRequest) -> _Placed | BidReceipt | BaseException:
    try:
        return _place(batch, request)
    except DomainError as refusal:
        return refusal


_OUTBID_EMAILED = DEFAULTS[Topic.OUTBID]  # for those who never chose
_lot_batches: Combiner[_BidRequest, BidReceipt] = Combiner(_place_batch, limit=BATCH_LIMIT)


def _amount(maximum: Decimal) -> Decimal:
    """The adapters parse what people type (`parse_amount`); the rule is checked again here, where the
    store is written, so no caller can reach it with an amount the rule refuses."""
    return parse_amount(maximum, label="Your maximum bid", field="maximum")


def _key(key: str) -> str:
    if not isinstance(key, str) or not 8 <= len(key) <= 64:
        raise ValidationFailed({"key": "A bid needs a submission key of 8 to 64 characters."})
    return key


@dataclass(frozen=True)
class _Placed:
    """An accepted bid's answer (or its double click's, in the same batch), until the batch's write gives
    the bid its id."""

    ask: Ask
    receipt: BidReceipt  # bid_id: 0 until then


class _LockedBatch:
    """A batch's lot, read and locked by its first bid and then carried forward in Python as each bid
    is decided, so the bids after it cost no read of the lot: one query, made once the lock is held,
    reads their bidders' status and earlier submissions instead. The accepted bids wait in `written`,
    in order, for one write."""

    def __init__(self, conn: Connection, requests: list[_BidRequest]) -> None:
        self.conn, self._requests = conn, requests
        self._lot: LotForBid | None = None
        self._bidders: dict[Ask, dict[str, Any]] = {}
        self.written: dict[Ask, BidWrite] = {}

    def lot_for(self, request: _BidRequest) -> tuple[LotForBid | None, bool]:
        """The lot as this bid finds it, and whether its earlier submission was read before the lock
        was granted (then a refusal must look again: resubmission.py)."""
        ask = (request.actor.id, request.key)
        if self._lot is None:
            self._lot = lot_for_bid(self.conn, request.lot_id, *ask)
            others = [(later.actor.id, later.key) for later in self._requests[1:]]
            self._bidders = bidders_for_bids(self.conn, others) if self._lot and others else {}
            return self._lot, True
        lot = replace(self._lot, **self._bidders[ask])
        twin = self.written.get(ask)  # sent twice in one batch: answered as its twin, whose id is to come
        if twin is not None:
            lot = replace(lot, earlier_bid_id=0, earlier_lot_id=twin.lot_id, earlier_price=twin.price,
                          earlier_leader=twin.leader_id, earlier_fingerprint=twin.fingerprint)
        return lot, False

    def write(self, ask: Ask, write: BidWrite) -> None:
        assert self._lot is not None
        self.written[ask] = write
        self._lot = replace(self._lot, current_price=write.price, leader_id=write.leader_id,
                            leader_max=write.leader_max, ends_at=write.ends_at, extended=write.extended)

    def about(self) -> About:
        """The lot as its notices name it."""
        assert self._lot is not None
        return _about(self._lot)

    def displaced(self) -> tuple[dict[int, str], datetime | None]:
        """The bidders the batch displaced and what each was told last: told together before it commits,
        their emails decided by the batch's write (one question for the batch, no round trip of its own)."""
        told, now = {}, None
        for write in self.written.values():
            if write.outbid_user is not None:
                told[write.outbid_user], now = write.outbid_message or "", write.now
        return told, now


def _place(batch: _LockedBatch, request: _BidRequest) -> _Placed | BidReceipt:
    """One bid, inside the batch's transaction: the lot is locked by the first of the batch."""
    actor, ask = request.actor, (request.actor.id, request.key)
    lot, read_before_lock = batch.lot_for(request)
    lot = _checked_bidder(lot, actor, request.fingerprint)
    if lot.earlier_bid_id is not None:
        repeated = _repeated(lot, actor.id)
        return _Placed(ask, repeated) if ask in batch.written else repeated
    now = request.now or utcnow()
    try:
        _check_open(lot, now)
        decision, write = _decide(lot, request, now)
    except DomainError:
        twin = (twin_committed_meanwhile(batch.conn, lot, actor.id, request.key, request.fingerprint)
                if read_before_lock else None)
        if twin is None:
            raise
        return _repeated(twin, actor.id)
    batch.write(ask, write)
    return _Placed(ask, BidReceipt(0, decision.outcome, write.price, write.leader_id == actor.id,
                                   minimum_bid(decision.state, _ladder(lot)), write.ends_at,
                                   write.ends_at > lot.ends_at))


def _decide(lot: LotForBid, request: _BidRequest, now: datetime) -> tuple[Decision, BidWrite]:
    """What the rules make of this bid, and the writes that record it."""
    bidder, amount, key = request.actor.id, request.amount, request.key
    decision = apply_bid(_state(lot), bidder, amount, _ladder(lot))
    state = decision.state
    assert state.price is not None and state.leader is not None and state.leader_max is not None
    ends_at = soft_close(lot.ends_at, now, window=timedelta(seconds=lot.soft_close_window_s),
                         extension=timedelta(seconds=lot.soft_close_extension_s), latest=lot.latest_end_at)
    audit = {"outcome": str(decision.outcome), "price": str(state.price), "key": key}
    return decision, BidWrite(
        lot_id=lot.lot_id, auction_id=lot.auction_id, car_id=lot.car_id, bidder_id=bidder, max_amount=amount,
        price=state.price, leader_id=state.leader, leader_max=state.leader_max, ends_at=ends_at,
        extended=lot.extended or ends_at > lot.ends_at, now=now, key=key,
        fingerprint=request.fingerprint, audit_after=audit,
        **_outbid_notice(lot, decision))


def _locked_lot(conn: Connection, actor: Actor, lot_id: int, key: str, asked: str) -> LotForBid:
    """The lot, locked, after the checks that do not depend on the clock."""
    return _checked_bidder(lot_for_bid(conn, lot_id, actor.id, key), actor, asked)


def _checked_bidder(lot: LotForBid | None, actor: Actor, asked: str) -> LotForBid:
    if lot is None:
        raise NotFound("No such lot.")
    check_same_submission(lot, asked)
    if lot.bidder_status != UserStatus.ACTIVE:
        raise Forbidden("Your account cannot bid right now.")
    if lot.dealer_id == actor.dealer_id or lot.dealer_user_id == actor.id:
        raise OwnLot("This lot is from your own store: you cannot bid on it.")
    return lot


def _check_open(lot: LotForBid, now: datetime) -> None:
    if not lot_is_open(lot.auction_status, lot.starts_at, lot.ends_at, lot.outcome, now):
        if now < lot.starts_at:
            raise LotClosed("Bidding on this lot has not started yet.")
        raise LotClosed("Bidding on this lot has closed.")


def _state(lot: LotForBid) -> LotState:
    return LotState(lot.starting_price, lot.reserve_price, lot.current_price, lot.leader_id, lot.leader_max)


def _ladder(lot: LotForBid) -> Ladder:
    return Ladder.stored(lot.ladder)


def _outbid_notice(lot: LotForBid, decision: Decision) -> dict[str, Any]:
    """The displaced leader, if this bid displaced one, and what they are told."""
    previous, price = lot.leader_id, decision.state.price
    if previous is None or previous == decision.state.leader:
        return {}
    return {"outbid_user": previous,
            "outbid_message": outbid_message(_about(lot), price)}


def _about(lot: LotForBid) -> About:
    return About(lot.lot_number, lot.car_title.strip(), lot.auction_title)


def _repeated(lot: LotForBid, bidder: int) -> BidReceipt:
    """The answer to a submission that arrived again: the first answer, with the lot as it is now."""
    assert lot.earlier_bid_id is not None and lot.earlier_price is not None
    outcome = Outcome.LEADING if lot.earlier_leader == bidder else Outcome.OUTBID
    return BidReceipt(lot.earlier_bid_id, outcome, lot.earlier_price, lot.leader_id == bidder,
                      minimum_bid(_state(lot), _ladder(lot)), lot.ends_at, lot.extended, repeated=True)


def buy_now_available(lot: LotPrices) -> bool:
    """Until the reserve is met (or, with no reserve, until the first bid)."""
    if lot.buy_now_price is None or lot.outcome is not None:
        return False
    if lot.reserve_price is None:
        return lot.leader_id is None
    return lot.current_price is None or lot.current_price < lot.reserve_price


def _buyable(uow: UnitOfWork, checked: LotForBid, now: datetime) -> tuple[Lot, Auction, Dealer]:
    """The locked lot, its auction and store, if it can be bought now."""
    _check_open(checked, now)
    session = uow.session
    lot, auction, dealer = (session.get(Lot, checked.lot_id), session.get(Auction, checked.auction_id),
                            session.get(Dealer, checked.dealer_id))
    assert lot is not None and auction is not None and dealer is not None  # locked by the caller
    if not buy_now_available(lot) or lot.buy_now_price is None:
        raise LotClosed("Buy now is no longer available on this lot.")
    return lot, auction, dealer


def lot_buy_now(actor: Actor, *, lot_id: int, key: str, now: datetime | None = None) -> BidReceipt:
    """Buy at the buy-now price: the lot ends at once, sold to this bidder."""
    require(actor, Action.BID)
    key, asked = _key(key), fingerprint("buy_now", lot_id)
    limits.check_bid(actor, now)
    with UnitOfWork() as uow:
        conn = uow.session.connection()
        checked = _locked_lot(conn, actor, lot_id, key, asked)
        if checked.earlier_bid_id is not None:
            return _repeated(checked, actor.id)
        now = now or utcnow()
        try:
            lot, auction, dealer = _buyable(uow, checked, now)
        except DomainError:
            twin = twin_committed_meanwhile(conn, checked, actor.id, key, asked)
            if twin is None:
                raise
            return _repeated(twin, actor.id)
        price = lot.buy_now_price
        assert price is not None  # _buyable checked it
        bid = _buy(uow, lot, actor.id, Bid(lot_id=lot_id, auction_id=auction.id or 0, bidder_id=actor.id,
                                           max_amount=price, price_after=price, leader_after=actor.id,
                                           placed_at=now, idempotency_key=key, fingerprint=asked))
        book_sale(uow, lot, auction, dealer)
        tell_buy_now(uow, lot, actor.id)
        uow.audit(actor_id=actor.id, action="buy_now", entity="lots", entity_id=lot_id,
                  after={"price": price, "key": key})
        uow.commit()
        return BidReceipt(bid.id or 0, Outcome.LEADING, price, True, price, now, False)


def _buy(uow: UnitOfWork, lot: Lot, buyer: int, bid: Bid) -> Bid:
    """The purchase's writes: the buyer counted once on the lot and the auction, the lot sold (through
    the lot store, as every change of a lot), the bid that records it."""
    first_on_lot = insert_once(uow.session, LotBidder, {"lot_id": lot.id, "bidder_id": buyer})
    insert_once(uow.session, AuctionParticipant, {"auction_id": bid.auction_id, "bidder_id": buyer,
                                                  "joined_at": bid.placed_at})
    lot_bought(uow.session, lot.id or 0, buyer_id=buyer, price=bid.max_amount, now=bid.placed_at,
               bidders_added=int(first_on_lot))
    uow.session.add(bid)
    uow.session.flush()
    return bid
