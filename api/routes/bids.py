"""GET/POST /bids, GET/PUT/DELETE /bids/{id}, POST /bids/{id}/void, GET /bids/user/{id},
GET /bids/auction/{id}. Placing goes through domain.bidding.service.bid_place, nothing else."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.deps import CurrentActor, CurrentCaller, Id, IdempotencyKey, Reads
from api.envelope import Envelope, PageParams, ok, page_params, paged
from api.metrics import bid_metered
from api.schemas.bids import RETRACT_HELP, BidIn, BidRaiseIn, VoidIn
from api.services import bids as bid_ops
from domain.bidding import queries as bid_queries
from domain.bidding import retraction
from domain.bidding.queries import BidView, PublicBid
from domain.bidding.retraction import RetractReason
from domain.bidding.service import BidReceipt, bid_place
from domain.permissions import Actor

router = APIRouter(prefix="/bids", tags=["bids"])
Page = Annotated[PageParams, Depends(page_params)]


def _receipt(receipt: BidReceipt, response: Response) -> Envelope[BidReceipt]:
    response.status_code = 200 if receipt.repeated else 201
    message = "This bid was already placed." if receipt.repeated else f"Bid placed: {receipt.outcome}."
    return ok(receipt, message)


@router.get("")
async def bid_list(caller: CurrentCaller, page: Page) -> Envelope[list[BidView]]:
    def mine(actor: Actor) -> Envelope[list[BidView]]:
        rows, total = bid_queries.bids_of_user(actor, actor.id, offset=page.offset, limit=page.limit)
        return paged(rows, total, page)

    return await caller.run(mine)


@router.post("", status_code=201, responses={200: {"description": "A retry of an earlier bid"}})
async def bid_create(caller: CurrentCaller, body: BidIn, key: IdempotencyKey, response: Response,
                     cached: Reads) -> Envelope[BidReceipt]:
    def place(actor: Actor) -> BidReceipt:
        with bid_metered():
            return bid_place(actor, lot_id=body.lot_id, maximum=body.max_amount, key=key)

    try:
        receipt = await caller.run(place)
    finally:  # placed or refused, the bidder's next look at the board is fresh (in this process)
        cached.boards.forget(body.lot_id)
    return _receipt(receipt, response)


@router.get("/user/{user_id}")
def bids_of_user(actor: CurrentActor, user_id: Id, page: Page) -> Envelope[list[BidView]]:
    rows, total = bid_queries.bids_of_user(actor, user_id, offset=page.offset, limit=page.limit)
    return paged(rows, total, page)


@router.get("/auction/{auction_id}")
def bids_of_auction(actor: CurrentActor, auction_id: Id, page: Page) -> Envelope[list[PublicBid]]:
    rows, total = bid_queries.bids_of_auction(actor, auction_id, offset=page.offset, limit=page.limit)
    return paged(rows, total, page)


@router.get("/{bid_id}")
def bid_get(actor: CurrentActor, bid_id: Id) -> Envelope[BidView]:
    return ok(bid_queries.bid_get(actor, bid_id))


@router.put("/{bid_id}", status_code=201, responses={200: {"description": "A retry of an earlier raise"}})
async def bid_raise(caller: CurrentCaller, bid_id: Id, body: BidRaiseIn, key: IdempotencyKey,
                    response: Response) -> Envelope[BidReceipt]:
    """Raise your maximum: a new, higher maximum on the same lot."""
    def raise_max(actor: Actor) -> BidReceipt:
        with bid_metered():
            return bid_ops.bid_raise(actor, bid_id, maximum=body.max_amount, key=key)

    return _receipt(await caller.run(raise_max), response)


@router.delete("/{bid_id}")
def bid_retract(actor: CurrentActor, bid_id: Id,
                reason: Annotated[RetractReason, Query(description=RETRACT_HELP)],
                note: Annotated[str, Query(max_length=200)] = "") -> Envelope[None]:
    """Retract your bid, by eBay's rule: a listed reason only; with 12 hours or more left all your bids
    on the lot go, later only a bid placed within the last hour, and only it."""
    taken = retraction.bid_retract(actor, bid_id, reason=reason, note=note)
    return ok(None, f"{len(taken)} bid(s) retracted; the lot's price was recomputed without them.")


@router.post("/{bid_id}/void")
def bid_void(actor: CurrentActor, bid_id: Id, body: VoidIn) -> Envelope[None]:
    retraction.bid_void(actor, bid_id, reason=body.reason)
    return ok(None, "Bid voided; the bidder was told why.")
