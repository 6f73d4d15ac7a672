"""PUT /bids/{id}: raising one's maximum. The API names a bid; the domain bids on a lot. So this
finds the lot through the caller's own bid (anyone else's answers 404, admins' included) and places
a new bid there, under the same rules."""

from __future__ import annotations

from domain.bidding.queries import bid_get
from domain.bidding.service import BidReceipt, bid_place
from domain.errors import NotFound
from domain.permissions import Actor


def bid_raise(actor: Actor, bid_id: int, *, maximum: object, key: str) -> BidReceipt:
    bid = bid_get(actor, bid_id)
    if bid.bidder_id != actor.id:
        raise NotFound("No such bid.")
    return bid_place(actor, lot_id=bid.lot_id, maximum=maximum, key=key)
