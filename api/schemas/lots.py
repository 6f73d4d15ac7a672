from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from api.strict import StrictIn
from domain.auctions.lifecycle import Phase
from domain.auctions.watchlist import WatchedLot
from domain.bidding.board import LotBoard, handle
from domain.notifications import NotificationView


class HistoryOut(BaseModel):
    bid_id: int
    bidder: str
    placed_at: datetime
    price_after: Decimal
    status: str
    reason: str | None


class LotOut(BaseModel):
    """The live board: the leader is "you" or a per-lot pseudonym, the reserve only met or not."""

    lot_id: int
    number: int
    auction_id: int
    auction_title: str
    dealer_id: int
    car_id: int
    car_title: str
    photos: list[str]
    phase: Phase
    starting_price: Decimal
    price: Decimal | None
    leader: str | None
    you_lead: bool
    has_reserve: bool
    reserve_met: bool
    bid_count: int
    bidder_count: int
    starts_at: datetime
    ends_at: datetime
    extended: bool
    latest_end_at: datetime | None = Field(
        default=None, description="The soft-close cap: late bids extend the lot, but never past this time")
    outcome: str | None
    decision: str | None
    buy_now_price: Decimal | None
    buy_now_open: bool
    minimum_next: Decimal
    buyer_premium: Decimal = Field(
        description="The buyer's premium a winner at the current price (the starting price before any bid) "
                    "pays on top, by the platform's schedule (GET /fees)")
    buyer_premium_pct: Decimal = Field(
        description="Deprecated: the percent of the premium band holding the current price; "
                    "read buyer_premium")
    premium_schedule_version: int | None = Field(
        description="The buyer's premium schedule in force at the lot's close (null: the built-in default)")
    changed_after_bids: bool
    cancel_reason: str | None
    history: list[HistoryOut]

    @classmethod
    def of(cls, board: LotBoard, viewer: int) -> LotOut:
        def who(user_id: int | None) -> str | None:
            return None if user_id is None else "you" if user_id == viewer else handle(user_id, board.lot_id)

        values = {name: getattr(board, name) for name in cls.model_fields if hasattr(board, name)}
        history = [HistoryOut(bid_id=h.bid_id, bidder=who(h.bidder) or "", placed_at=h.placed_at,
                              price_after=h.price_after, status=h.status, reason=h.reason)
                   for h in board.history]
        price = board.price if board.price is not None else board.starting_price
        return cls.model_validate(values | {
            "leader": who(board.leader), "you_lead": board.leader == viewer, "history": history,
            "buyer_premium": board.premium_for(price),
            "buyer_premium_pct": board.premium.band_for(price).percent,
            "premium_schedule_version": board.premium.version,
            "buy_now_open": board.buy_now_open and board.is_open})


class DecisionIn(StrictIn):
    accept: bool = Field(description="Accept the high bid of a lot that ended below your reserve")


class WatchedOut(BaseModel):
    lot_id: int
    title: str
    price: Decimal
    ends_at: datetime
    outcome: str | None

    @classmethod
    def of(cls, item: WatchedLot) -> WatchedOut:
        return cls.model_validate(item, from_attributes=True)


class NotificationOut(BaseModel):
    id: int
    kind: str
    lot_id: int | None
    message: str
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, item: NotificationView) -> NotificationOut:
        return cls.model_validate(item, from_attributes=True)
