"""Reading bids: one bid, a bidder's bids, an auction's bids. A bid's maximum is private: its bidder
and admins see it; everyone else sees the price it produced, under the lot page's per-lot pseudonym.
A page is one statement: the rows, each carrying the total (`count(*) OVER ()`, counted before
OFFSET and LIMIT), so the total and the rows come from the same snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row
from sqlalchemy import select as sa_select
from sqlmodel import col, func, select

from data.models import Bid
from data.uow import UnitOfWork
from domain.auctions.queries import auction_visible
from domain.bidding.board import handle
from domain.errors import NotFound
from domain.permissions import Actor


@dataclass(frozen=True)
class BidView:
    id: int
    lot_id: int
    auction_id: int
    bidder_id: int
    max_amount: Decimal
    price_after: Decimal
    leading_after: bool
    placed_at: datetime
    status: str
    status_reason: str | None


@dataclass(frozen=True)
class PublicBid:
    id: int
    lot_id: int
    bidder: str  # "you" or the lot's pseudonym
    price_after: Decimal
    placed_at: datetime
    status: str
    status_reason: str | None


def bid_get(actor: Actor, bid_id: int) -> BidView:
    """A bid, for its bidder and admins; anyone else is told it does not exist."""
    with UnitOfWork(write=False) as uow:
        bid = uow.session.get(Bid, bid_id)
    if bid is None or (bid.bidder_id != actor.id and not actor.is_admin):
        raise NotFound("No such bid.")
    return _view(bid)


def own_bid(actor: Actor, bid_id: int) -> BidView:
    """The caller's own bid; anyone else's, admins' included, does not exist (raising a maximum names
    a bid only its bidder may raise)."""
    bid = bid_get(actor, bid_id)
    if bid.bidder_id != actor.id:
        raise NotFound("No such bid.")
    return bid


def bids_of_user(actor: Actor, user_id: int, *, offset: int, limit: int) -> tuple[list[BidView], int]:
    """A bidder's own bids, newest first (admins see anyone's), and how many there are."""
    if user_id != actor.id and not actor.is_admin:
        raise NotFound("No such user.")
    with UnitOfWork(write=False) as uow:
        bids, total = _page(uow, col(Bid.bidder_id) == user_id, offset=offset, limit=limit)
    return [_view(bid) for bid in bids], total


def bids_of_auction(actor: Actor, auction_id: int, *, offset: int,
                    limit: int) -> tuple[list[PublicBid], int]:
    """An auction's bids, newest first, without maximums or names, and how many there are."""
    with UnitOfWork(write=False) as uow:
        auction_visible(uow, actor, auction_id)  # who may see this auction (drafts: 404)
        bids, total = _page(uow, col(Bid.auction_id) == auction_id, offset=offset, limit=limit)
    return [_public(bid, actor.id) for bid in bids], total


def _page(uow: UnitOfWork, where: ColumnElement[bool], *, offset: int,
          limit: int) -> tuple[list[Row[Any]], int]:
    """Plain rows of the bid's columns: lists are polled by every client, and ORM objects cost more
    than the query."""
    query = (sa_select(*Bid.__table__.c, func.count().over().label("total"))  # type: ignore[attr-defined]
             .where(where).order_by(col(Bid.id).desc()).offset(offset).limit(limit))
    rows = list(uow.session.execute(query))
    if rows:
        return rows, int(rows[0].total)
    if not offset:
        return [], 0
    # past the last page no row carries the total: count, as the page before this one would have
    return [], int(uow.session.exec(select(func.count()).select_from(Bid).where(where)).one())


def _view(bid: Bid | Row[Any]) -> BidView:
    return BidView(bid.id or 0, bid.lot_id, bid.auction_id, bid.bidder_id, bid.max_amount, bid.price_after,
                   bid.leader_after == bid.bidder_id, bid.placed_at, bid.status, bid.status_reason)


def _public(bid: Row[Any], viewer: int) -> PublicBid:
    bidder = "you" if bid.bidder_id == viewer else handle(bid.bidder_id, bid.lot_id)
    return PublicBid(bid.id or 0, bid.lot_id, bidder, bid.price_after, bid.placed_at, bid.status,
                     bid.status_reason)
