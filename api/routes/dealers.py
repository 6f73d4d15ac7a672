"""GET/POST /dealers, GET/PUT/DELETE /dealers/{id}, GET /dealers/{id}/statistics, /cars, /auctions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import CurrentActor, Id
from api.envelope import Envelope, PageParams, ok, page_of, page_params, paged
from api.routes.cars import Cursor, Limit
from api.schemas.cars import SORT_DESCRIPTION
from api.schemas.dealers import DealerChangeIn, StoreIn
from api.services import dealers as dealer_ops
from domain.accounts import dealers
from domain.accounts.dealers import DealerView, store_view
from domain.auctions import queries as auction_queries
from domain.auctions.queries import AuctionCard
from domain.inventory import catalog
from domain.inventory.catalog import BrowsePage, SortKey
from domain.reporting import dealer_stats
from domain.reporting.dealer_stats import DealerStats
from domain.types import DealerStatus

router = APIRouter(prefix="/dealers", tags=["dealers"])


@router.get("")
def dealer_list(actor: CurrentActor, page: Annotated[PageParams, Depends(page_params)],
                status: DealerStatus | None = None) -> Envelope[list[DealerView]]:
    """Store applications and stores, newest first (admins)."""
    rows, total = dealers.dealer_list(actor, status=status, limit=page.limit, offset=page.offset)
    return paged([store_view(dealer) for dealer, _email in rows], total, page)


@router.post("", status_code=201)
def dealer_apply(actor: CurrentActor, body: StoreIn) -> Envelope[DealerView]:
    store = dealers.dealer_apply(actor, **body.model_dump())
    return ok(store_view(store), "Application sent: an admin will review your store.")


@router.get("/{dealer_id}")
def dealer_get(actor: CurrentActor, dealer_id: Id) -> Envelope[DealerView]:
    return ok(dealers.dealer_view(actor, dealer_id))


@router.put("/{dealer_id}")
def dealer_put(actor: CurrentActor, dealer_id: Id, body: DealerChangeIn) -> Envelope[DealerView]:
    dealer = dealer_ops.dealer_change(actor, dealer_id, status=body.status, note=body.note,
                                      details=body.details())
    return ok(dealer, "Saved.")


@router.delete("/{dealer_id}")
def dealer_suspend(actor: CurrentActor, dealer_id: Id,
                   reason: Annotated[str, Query(max_length=500, description="Shown to the dealer")] = "",
                   ) -> Envelope[DealerView]:
    """Suspend a verified store (admins); reinstate with PUT status=verified."""
    dealer = dealers.dealer_review(actor, dealer_id, to=DealerStatus.SUSPENDED, note=reason)
    return ok(store_view(dealer), "Store suspended.")


@router.get("/{dealer_id}/statistics")
def dealer_statistics(actor: CurrentActor, dealer_id: Id) -> Envelope[DealerStats]:
    return ok(dealer_stats.dealer_statistics(actor, dealer_id))


@router.get("/{dealer_id}/cars")
def dealer_cars(actor: CurrentActor, dealer_id: Id,
                sort: Annotated[SortKey, Query(description=SORT_DESCRIPTION)] = SortKey.NEWEST,
                cursor: Cursor = None, limit: Limit = 24) -> Envelope[BrowsePage]:
    return ok(catalog.car_browse_own(actor, dealer_id, None, sort, cursor=cursor, limit=limit))


@router.get("/{dealer_id}/auctions")
def dealer_auctions(actor: CurrentActor, dealer_id: Id,
                    page: Annotated[PageParams, Depends(page_params)]) -> Envelope[list[AuctionCard]]:
    items, total = page_of(auction_queries.auctions_of_dealer(actor, dealer_id), page)
    return paged(items, total, page)
