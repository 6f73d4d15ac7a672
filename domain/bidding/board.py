"""What the lot page shows: the live board (price, leader as "you" or a handle, reserve status,
countdown, history) and a bidder's own bids and wins. Selectors: they only read. A lot past its end and
not yet settled reads as `awaiting_settlement`; whoever needs its result at once (the lot page, the
API's board, the live stream) asks for settlement by name first (`settlement.settled_first`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from data.bid_store import ladder_as_text, ladder_from_text
from data.models import Auction, Bid, Car, Dealer, Lot, Sale
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.auctions.decisions import decision_on_read
from domain.auctions.lifecycle import Phase, auction_phase
from domain.auctions.queries import reserve_met
from domain.bidding.fee_schedule import premium_as_text, premium_from_text
from domain.bidding.fees import FeeSchedule
from domain.bidding.rules import Ladder, LotState, minimum_bid
from domain.bidding.service import buy_now_available
from domain.errors import Forbidden, NotFound
from domain.permissions import Actor
from domain.types import AuctionStatus

HISTORY = 50


@dataclass(frozen=True)
class HistoryLine:
    bid_id: int
    bidder: int  # server-side only: pages turn it into "you" or a handle
    placed_at: datetime
    price_after: Decimal
    status: str
    reason: str | None


@dataclass(frozen=True)
class LotBoard:
    lot_id: int
    number: int
    auction_id: int
    auction_title: str
    dealer_id: int
    dealer_user_id: int
    car_id: int
    car_title: str
    photos: list[str]
    phase: Phase
    starting_price: Decimal
    price: Decimal | None
    leader: int | None
    has_reserve: bool
    reserve_met: bool
    bid_count: int
    bidder_count: int
    starts_at: datetime
    ends_at: datetime
    extended: bool
    outcome: str | None
    decision: str | None
    buy_now_price: Decimal | None
    buy_now_open: bool
    minimum_next: Decimal
    premium: FeeSchedule  # the buyer's premium in force at the lot's close (when its sale is priced)
    changed_after_bids: bool
    cancel_reason: str | None
    history: list[HistoryLine]
    version: int = 0  # the lot's version: live boards send it as the event id (ui/stream.py)
    latest_end_at: datetime | None = None  # the soft-close cap: late bids extend the lot up to here

    def premium_for(self, amount: Decimal) -> Decimal:
        return self.premium.fee(amount)

    @property
    def is_open(self) -> bool:
        return self.phase == Phase.LIVE and self.outcome is None

    @property
    def awaiting_settlement(self) -> bool:
        """Past its end, not yet settled (the worker will; `settle_if_due` does it now)."""
        return self.phase == Phase.ENDED and self.outcome is None


def handle(user_id: int, lot_id: int) -> str:
    """A pseudonym per bidder per lot: consistent on one lot, unlinkable across lots."""
    pepper = (get_settings().cookie_key or "").encode()
    digest = hashlib.sha256(pepper + f"{lot_id}:{user_id}".encode()).hexdigest()
    return f"Bidder {digest[:4].upper()}"


def lot_board(actor: Actor | None, lot_id: int, *, now: datetime | None = None) -> LotBoard:
    if actor is None:
        raise Forbidden("Please sign in first.")
    return lot_board_snapshot(lot_id, now=now)


def lot_board_snapshot(lot_id: int, *, now: datetime | None = None) -> LotBoard:
    """The board as anyone signed in sees it (the page caches it for a second per process)."""
    return _read_board(lot_id, now or utcnow())


# Built once (the board is read on every refresh of every watched lot): a statement made per call would
# be walked again for SQLAlchemy's compiled-statement cache key each time. Plain columns, not entities:
# the board is the API's busiest read, and four ORM objects per read were a third of its cost.
_BOARD = (sa_select(*Lot.__table__.c,  # type: ignore[attr-defined]
                    col(Auction.status).label("auction_status"), col(Auction.title).label("auction_title"),
                    col(Auction.starts_at).label("auction_starts_at"), col(Auction.dealer_id),
                    col(Auction.cancel_reason), col(Dealer.user_id).label("dealer_user_id"),
                    col(Auction.latest_end_at).label("auction_latest_end_at"),
                    col(Car.year), col(Car.make), col(Car.model), col(Car.variant), col(Car.photos),
                    ladder_as_text().label("ladder"), premium_as_text(Lot.ends_at).label("premium"))
          .join(Auction, col(Auction.id) == Lot.auction_id)
          .join(Car, col(Car.id) == Lot.car_id).join(Dealer, col(Dealer.id) == Auction.dealer_id)
          .where(col(Lot.id) == bindparam("lot_id")))
_HISTORY = (sa_select(col(Bid.id), col(Bid.bidder_id), col(Bid.placed_at), col(Bid.price_after),
                      col(Bid.status), col(Bid.status_reason))
            .where(col(Bid.lot_id) == bindparam("lot_id")).order_by(col(Bid.id).desc()).limit(HISTORY))


def _read_board(lot_id: int, now: datetime) -> LotBoard:
    with UnitOfWork(write=False) as uow:
        store = uow.session.connection()  # plain rows: the ORM's statement handling was a sixth of a read
        lot = store.execute(_BOARD, {"lot_id": lot_id}).first()
        if lot is None or lot.auction_status == AuctionStatus.DRAFT:
            raise NotFound("No such lot.")
        state = LotState(lot.starting_price, lot.reserve_price, lot.current_price, lot.leader_id)
        lines: Iterable[Any] = store.execute(_HISTORY, {"lot_id": lot_id})  # ids typed optional: never None
        history = [HistoryLine(*line) for line in lines]
        return LotBoard(
            lot.id, lot.lot_number, lot.auction_id, lot.auction_title, lot.dealer_id, lot.dealer_user_id,
            lot.car_id, f"{lot.year} {lot.make} {lot.model} {lot.variant}".strip(), list(lot.photos),
            auction_phase(lot.auction_status, lot.auction_starts_at, [lot.ends_at], now), lot.starting_price,
            lot.current_price, lot.leader_id, lot.reserve_price is not None, reserve_met(lot),
            lot.bid_count, lot.bidder_count, lot.auction_starts_at, lot.ends_at, lot.extended, lot.outcome,
            decision_on_read(lot.decision, lot.decision_due_at, now), lot.buy_now_price,
            buy_now_available(lot),
            minimum_bid(state, Ladder.stored(ladder_from_text(lot.ladder))),
            premium_from_text(lot.premium),
            lot.changed_after_bids_at is not None, lot.cancel_reason,
            history, lot.version, lot.auction_latest_end_at)


@dataclass(frozen=True)
class MyBid:
    lot_id: int
    title: str
    my_max: Decimal
    price: Decimal | None
    ends_at: datetime
    status: str  # leading, outbid, won, lost, pending (below reserve, awaiting the dealer)
    owed: Decimal | None  # hammer + buyer's premium, for wins


def my_bids(actor: Actor) -> list[MyBid]:
    query = (select(Lot, Car, Bid).join(Bid, col(Bid.lot_id) == Lot.id)
             .join(Car, col(Car.id) == Lot.car_id)
             .where(Bid.bidder_id == actor.id, Bid.status == "active").order_by(col(Lot.ends_at).desc()))
    with UnitOfWork(write=False) as uow:
        best: dict[int, tuple[Lot, Car, Decimal]] = {}
        for lot, car, bid in uow.session.exec(query).all():
            if lot.id not in best or bid.max_amount > best[lot.id or 0][2]:
                best[lot.id or 0] = (lot, car, bid.max_amount)
        owed = {sale.lot_id: sale.buyer_total for sale in uow.session.exec(
            select(Sale).where(Sale.buyer_id == actor.id)).all()}
    return [MyBid(lot_id, f"{car.year} {car.make} {car.model} {car.variant}".strip(), amount,
                  lot.current_price, lot.ends_at, _my_status(lot, actor.id), owed.get(lot_id))
            for lot_id, (lot, car, amount) in best.items()]


def _my_status(lot: Lot, me: int) -> str:
    leading = lot.leader_id == me
    if lot.outcome is None:
        return "leading" if leading else "outbid"
    if lot.outcome == "sold":
        return "won" if leading else "lost"
    if decision_on_read(lot.decision, lot.decision_due_at, utcnow()) == "pending" and leading:
        return "pending"
    return "lost"
