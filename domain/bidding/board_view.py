"""The board as one signed-in user sees it: the leader and each bid's bidder as "you" or the lot's
pseudonym (`board.handle`), the reserve only met or not, the buy-now offer only while the lot is open.
One model for whoever shows a board to a user (the API serves it as it is)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from domain.auctions.lifecycle import Phase
from domain.bidding.board import LotBoard, handle
from domain.types import read_model


@dataclass(frozen=True)
class HistoryView:
    bid_id: int
    bidder: str  # "you" or the lot's pseudonym
    placed_at: datetime
    price_after: Decimal
    status: str
    reason: str | None


@dataclass(frozen=True)
class LotView:
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
    latest_end_at: Annotated[datetime | None, Field(
        description="The soft-close cap: late bids extend the lot, but never past this time")]
    outcome: str | None
    decision: str | None
    buy_now_price: Decimal | None
    buy_now_open: bool
    minimum_next: Decimal
    buyer_premium: Annotated[Decimal, Field(
        description="The buyer's premium a winner at the current price (the starting price before any bid) "
                    "pays on top, by the platform's schedule (GET /fees)")]
    buyer_premium_pct: Annotated[Decimal, Field(
        description="Deprecated: the percent of the premium band holding the current price; "
                    "read buyer_premium")]
    premium_schedule_version: Annotated[int | None, Field(
        description="The buyer's premium schedule in force at the lot's close (null: the built-in default)")]
    changed_after_bids: bool
    cancel_reason: str | None
    history: list[HistoryView]


def seen_as(bidder: int | None, lot_id: int, viewer: int | None) -> str | None:
    """The one rule for naming a bidder on a board: the viewer is "you", anyone else the lot's pseudonym
    (a viewer of None, the shared copy every watcher gets, sees only pseudonyms); no bidder, None."""
    if bidder is None:
        return None
    return "you" if bidder == viewer else handle(bidder, lot_id)


def board_seen_by(board: LotBoard, viewer: int) -> LotView:
    """The shared snapshot (cached for every viewer) told from one viewer's side."""
    def who(user_id: int | None) -> str | None:
        return seen_as(user_id, board.lot_id, viewer)

    history = [HistoryView(line.bid_id, who(line.bidder) or "", line.placed_at, line.price_after,
                           line.status, line.reason) for line in board.history]
    price = board.price if board.price is not None else board.starting_price
    return read_model(LotView, board, leader=who(board.leader), you_lead=board.leader == viewer,
                      history=history, buyer_premium=board.premium_for(price),
                      buyer_premium_pct=board.premium.band_for(price).percent,
                      premium_schedule_version=board.premium.version,
                      buy_now_open=board.buy_now_open and board.is_open)
