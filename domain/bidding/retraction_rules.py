"""eBay's bid retraction rule, pure: which of a bidder's bids a retraction takes back, or why none.

eBay (Help, Buying, "Retracting a bid") allows a retraction only for a listed reason: the amount was
typed wrongly, the description changed significantly after the bid, or the seller cannot be reached.
With 12 hours or more before the end, a retraction takes back every bid the bidder placed on the item;
with less than 12 hours left, only a bid placed within the last hour may be retracted, and only that
bid is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import InvalidTransition

ALL_BIDS_BEFORE_END = timedelta(hours=12)
RECENT_BID = timedelta(hours=1)


class RetractReason(StrEnum):
    MISTYPED = "mistyped"  # e.g. 5,00,000 typed as 50,00,000
    LISTING_CHANGED = "listing_changed"  # the description or photos changed significantly after the bid
    SELLER_UNREACHABLE = "seller_unreachable"  # the dealer does not answer calls or messages


@dataclass(frozen=True)
class OwnBid:
    bid_id: int
    placed_at: datetime


def bids_to_retract(chosen: OwnBid, own_active: Sequence[OwnBid], *, ends_at: datetime,
                    now: datetime) -> tuple[int, ...]:
    """The ids a retraction of `chosen` takes back (all the bidder's active bids on the lot with 12
    hours or more left; only `chosen` later, and only if it was placed within the last hour)."""
    if ends_at - now >= ALL_BIDS_BEFORE_END:
        return tuple(sorted({b.bid_id for b in own_active} | {chosen.bid_id}))
    if now - chosen.placed_at > RECENT_BID:
        raise InvalidTransition("With less than 12 hours left, only a bid placed within the last hour "
                                "can be retracted.")
    return (chosen.bid_id,)
