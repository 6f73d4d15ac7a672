"""GET /fees (anyone signed in); admins: GET /fees/history, PUT /fees/buyer-premium, PUT /fees/seller-fee,
PUT /fees/seller-fee/dealers/{id}. Each PUT adds a version; sales already made keep their fees."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentActor, Id
from api.envelope import Envelope, ok
from api.schemas.fees import FeeScheduleIn, SellerFeeIn
from domain.bidding import fee_schedule as fees
from domain.bidding.fee_schedule import FeeOverview, FeeVersion
from domain.bidding.fees import FeeSchedule
from domain.types import FeeKind

router = APIRouter(prefix="/fees", tags=["fees"])


@router.get("")
def fees_get(actor: CurrentActor,
             dealer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1,
                                                    description="Admins: this dealer's fee")] = None,
             ) -> Envelope[FeeOverview]:
    """The buyer's premium in force (and any announced change), the default seller fee, and a
    dealer's own seller fee (yours; admins name any dealer)."""
    return ok(fees.fee_overview(actor, dealer_id=dealer_id))


@router.get("/history")
def fees_history(actor: CurrentActor, kind: FeeKind,
                 dealer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                 ) -> Envelope[list[FeeVersion]]:
    """Every version of one schedule, newest first (admins)."""
    return ok(fees.fee_history(actor, kind, dealer_id=dealer_id))


@router.put("/buyer-premium")
def premium_put(actor: CurrentActor, body: FeeScheduleIn) -> Envelope[FeeSchedule]:
    schedule = fees.premium_schedule_set(actor, body.fee_bands(),
                                         effective_from=body.effective_from, note=body.note)
    return ok(schedule, "A new buyer's premium schedule is set.")


@router.put("/seller-fee")
def seller_default_put(actor: CurrentActor, body: FeeScheduleIn) -> Envelope[FeeSchedule]:
    schedule = fees.seller_fee_set(actor, body.fee_bands(), effective_from=body.effective_from,
                                   note=body.note)
    return ok(schedule, "A new default seller fee is set.")


@router.put("/seller-fee/dealers/{dealer_id}")
def seller_dealer_put(actor: CurrentActor, dealer_id: Id, body: SellerFeeIn) -> Envelope[FeeSchedule]:
    bands = [band.band() for band in body.bands] if body.bands is not None else None
    schedule = fees.seller_fee_set(actor, bands, dealer_id=dealer_id, effective_from=body.effective_from,
                                   note=body.note)
    return ok(schedule, "The dealer's seller fee is set.")
