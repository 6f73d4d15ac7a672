"""DELETE /auctions/{id}, which the domain splits in two: deleting a draft, cancelling a published
auction."""

from __future__ import annotations

from domain.auctions.service import auction_cancel, auction_delete
from domain.errors import InvalidTransition
from domain.permissions import Actor
from domain.types import AuctionStatus


def auction_remove(actor: Actor, auction_id: int, *, reason: str) -> str:
    """A draft is deleted; a published auction is cancelled (with the reason bidders see), when the
    lifecycle allows it. Returns what happened: "deleted" or "cancelled"."""
    try:
        auction_delete(actor, auction_id)
    except InvalidTransition:
        auction_cancel(actor, auction_id, reason=reason)
        return AuctionStatus.CANCELLED
    return "deleted"
