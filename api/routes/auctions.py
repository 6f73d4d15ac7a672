"""GET/POST /auctions, GET/PUT/DELETE /auctions/{id}, GET /auctions/{id}/bids and /participants."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import CurrentActor, Id, Reads
from api.envelope import Envelope, PageParams, ok, page_of, page_params, paged
from api.schemas.auctions import AuctionCreateIn, AuctionIn, AuctionPublishIn
from api.services import auctions as auction_ops
from domain.auctions import queries as auction_queries
from domain.auctions import service as auctions
from domain.auctions.lifecycle import Phase
from domain.auctions.queries import (
    AuctionCard,
    AuctionDetail,
    AuctionParticipants,
    AuctionView,
    auction_view,
)
from domain.bidding.queries import PublicBid, bids_of_auction

router = APIRouter(prefix="/auctions", tags=["auctions"])


@router.get("")
async def auction_list(actor: CurrentActor, page: Annotated[PageParams, Depends(page_params)], cached: Reads,
                 phase: Phase = Phase.LIVE) -> Envelope[list[AuctionCard]]:
    """Published auctions by phase (drafts are listed per store: /dealers/{id}/auctions); the same
    for everyone signed in, at most a second old."""
    cards = await cached.auctions.aget(phase, lambda: auction_queries.auction_browse(
        actor, phase, limit=auction_queries.MAX_LIST))
    items, total = page_of(cards, page)
    return paged(items, total, page)


@router.post("", status_code=201)
def auction_create(actor: CurrentActor, body: AuctionCreateIn) -> Envelope[AuctionView]:
    auction = auctions.auction_create(actor, body.dealer_id or actor.dealer_id or 0, body.spec())
    return ok(auction_view(auction), "Draft saved: publish it with PUT status=scheduled.")


@router.get("/{auction_id}")
def auction_get(actor: CurrentActor, auction_id: Id) -> Envelope[AuctionDetail]:
    return ok(auction_queries.auction_detail(actor, auction_id))


@router.put("/{auction_id}")
def auction_put(actor: CurrentActor, auction_id: Id,
                body: AuctionPublishIn | AuctionIn) -> Envelope[AuctionView]:
    """Publish a draft (`{"status": "scheduled"}`), or change it: everything before the start, only the
    description while live."""
    if isinstance(body, AuctionPublishIn):
        return ok(auction_view(auctions.auction_publish(actor, auction_id)), "Published.")
    return ok(auction_view(auctions.auction_update(actor, auction_id, body.spec())), "Saved.")


@router.delete("/{auction_id}")
def auction_delete(actor: CurrentActor, auction_id: Id,
                   reason: Annotated[str, Query(max_length=500, description="Shown to bidders when a "
                                                "published auction is cancelled")] = "") -> Envelope[None]:
    done = auction_ops.auction_remove(actor, auction_id, reason=reason)
    return ok(None, f"Auction {done}.")


@router.get("/{auction_id}/bids")
def auction_bids(actor: CurrentActor, auction_id: Id,
                 page: Annotated[PageParams, Depends(page_params)]) -> Envelope[list[PublicBid]]:
    rows, total = bids_of_auction(actor, auction_id, offset=page.offset, limit=page.limit)
    return paged(rows, total, page)


@router.get("/{auction_id}/participants")
def auction_participants(actor: CurrentActor, auction_id: Id) -> Envelope[AuctionParticipants]:
    people = auction_queries.participants_of(actor, auction_id)
    return ok(AuctionParticipants(auction_id, len(people), people))
