"""Reading bids, and raising one's maximum. A bid's maximum is private: its bidder and admins see it;
everyone else sees the price it produced, under the per-lot pseudonym the lot page uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import col, func, select

from data.models import Bid
from data.uow import UnitOfWork
from domain.auction_queries import auction_detail
from domain.bidding.board import handle
from domain.bidding.service import BidReceipt, bid_place
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


def _view(bid: Bid) -> BidView:
    return BidView(bid.id or 0, bid.lot_id, bid.auction_id, bid.bidder_id, bid.max_amount, bid.price_after,
                   bid.leader_after == bid.bidder_id, bid.placed_at, bid.status, bid.status_reason)


def bid_get(actor: Actor, bid_id: int) -> BidView:
    with UnitOfWork(write=False) as uow:
        bid = uow.session.get(Bid, bid_id)
    if bid is None or (bid.bidder_id != actor.id and not actor.is_admin):
        raise NotFound("No such bid.")
    return _view(bid)


def bids_of_user(actor: Actor, user_id: int, *, offset: int, limit: int) -> tuple[list[BidView], int]:
    if user_id != actor.id and not actor.is_admin:
        raise NotFound("No such user.")
    query = select(Bid).where(Bid.bidder_id == user_id)
    with UnitOfWork(write=False) as uow:
        total = uow.session.exec(select(func.count()).select_from(query.subquery())).one()
        rows = uow.session.exec(query.order_by(col(Bid.id).desc()).offset(offset).limit(limit)).all()
    return [_view(bid) for bid in rows], int(total)


def bids_of_auction(actor: Actor, auction_id: int, *, offset: int,
                    limit: int) -> tuple[list[PublicBid], int]:
    auction_detail(actor, auction_id)  # the domain decides who may see this auction (drafts: 404)
    query = select(Bid).where(Bid.auction_id == auction_id)
    with UnitOfWork(write=False) as uow:
        total = uow.session.exec(select(func.count()).select_from(query.subquery())).one()
        rows = uow.session.exec(query.order_by(col(Bid.id).desc()).offset(offset).limit(limit)).all()
    return [_public(b, actor.id) for b in rows], int(total)


def _public(bid: Bid, viewer: int) -> PublicBid:
    bidder = "you" if bid.bidder_id == viewer else handle(bid.bidder_id, bid.lot_id)
    return PublicBid(bid.id or 0, bid.lot_id, bidder, bid.price_after, bid.placed_at, bid.status,
                     bid.status_reason)


def bid_raise(actor: Actor, bid_id: int, *, maximum: object, key: str) -> BidReceipt:
    """PUT /bids/{id}: a higher maximum on the same lot is a new bid, under the same rules."""
    bid = bid_get(actor, bid_id)
    if bid.bidder_id != actor.id:
        raise NotFound("No such bid.")
    return bid_place(actor, lot_id=bid.lot_id, maximum=maximum, key=key)
