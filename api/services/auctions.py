"""Auction operations the API combines from domain.auctions and domain.auction_queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from data.models import AuctionParticipant
from data.uow import UnitOfWork
from domain.auction_queries import auction_detail
from domain.auctions import auction_cancel, auction_delete
from domain.errors import InvalidTransition
from domain.permissions import Actor
from domain.types import AuctionStatus


def auction_remove(actor: Actor, auction_id: int, *, reason: str) -> str:
    """DELETE: a draft is deleted; a published auction is cancelled (with the reason bidders see),
    when the lifecycle allows it. Returns what happened: "deleted" or "cancelled"."""
    try:
        auction_delete(actor, auction_id)
    except InvalidTransition:
        auction_cancel(actor, auction_id, reason=reason)
        return AuctionStatus.CANCELLED
    return "deleted"


@dataclass(frozen=True)
class Participant:
    number: int
    joined_at: datetime
    you: bool


def participants_of(actor: Actor, auction_id: int) -> list[Participant]:
    """Who bids in an auction, as numbers in joining order: never names or ids."""
    auction_detail(actor, auction_id)  # the domain decides who may see this auction (drafts: 404)
    query = (select(AuctionParticipant).where(AuctionParticipant.auction_id == auction_id)
             .order_by(col(AuctionParticipant.joined_at), col(AuctionParticipant.bidder_id)))
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(query).all()
    return [Participant(n, row.joined_at, row.bidder_id == actor.id) for n, row in enumerate(rows, 1)]

