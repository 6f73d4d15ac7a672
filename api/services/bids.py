"""PUT /bids/{id}: raising one's maximum. The API names a bid; the domain bids on a lot. So this
finds the lot through the caller's own bid (anyone else's answers 404, admins' included) and places
a new bid there, under the same rules."""

from __future__ import annotations

from decimal import Decimal

from domain.bidding.queries import own_bid
from domain.bidding.service import BidReceipt, bid_place
from domain.permissions import Actor


def bid_raise(actor: Actor, bid_id: int, *, maximum: Decimal, key: str) -> BidReceipt:
    return bid_place(actor, lot_id=own_bid(actor, bid_id).lot_id, maximum=maximum, key=key)
