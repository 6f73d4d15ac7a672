from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from api.schemas.cars import LotSummaryOut
from api.strict import StrictIn
from data.models import Auction
from domain.auctions.lifecycle import Phase
from domain.auctions.rules import AuctionSpec, lots_from_rows

Amount = Decimal


class LotIn(StrictIn):
    car_id: int = Field(ge=1, le=2**31 - 1)
    starting_price: Amount = Field(gt=0, lt=10**8, decimal_places=2)
    reserve_price: Amount | None = Field(default=None, gt=0, lt=10**8, decimal_places=2)
    buy_now_price: Amount | None = Field(default=None, gt=0, lt=10**8, decimal_places=2)


class AuctionIn(StrictIn):
    """An auction and its lots; domain.auctions.rules checks the schedule, settings and lots."""

    title: str = Field(max_length=150)
    description: str = Field(default="", max_length=5000)
    starts_at: AwareDatetime
    ends_at: AwareDatetime = Field(description="When the first lot closes; later lots follow "
                                               "`lot_interval_s` apart.")
    lots: list[LotIn] = Field(min_length=1, max_length=100)
    lot_interval_s: int = Field(default=60, ge=0, le=600)
    soft_close_window_s: int = Field(default=120, ge=0, le=600)
    soft_close_extension_s: int = Field(default=120, ge=30, le=600)
    latest_end_at: AwareDatetime | None = None
    # No buyer's premium here: fees are the platform's (GET /fees). A body still naming
    # buyer_premium_pct, premium_min or premium_max is refused (422), not silently priced otherwise.

    def spec(self) -> AuctionSpec:
        lots = lots_from_rows([lot.model_dump() for lot in self.lots])
        values = self.model_dump(exclude={"lots", "dealer_id"})
        return AuctionSpec(lots=lots, **values)


class AuctionCreateIn(AuctionIn):
    dealer_id: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                 description="Your store (default); an admin names any.")


class AuctionPublishIn(StrictIn):
    status: Literal["scheduled"] = Field(description="Publish a draft: bidders see it from now on.")


class AuctionOut(BaseModel):
    id: int
    dealer_id: int
    title: str
    description: str
    status: str
    starts_at: datetime
    ends_at: datetime
    latest_end_at: datetime | None
    soft_close_window_s: int
    soft_close_extension_s: int
    cancel_reason: str | None

    @classmethod
    def of(cls, auction: Auction) -> AuctionOut:
        return cls.model_validate({name: getattr(auction, name) for name in cls.model_fields})


class AuctionCardOut(BaseModel):
    id: int
    title: str
    store: str
    city: str
    phase: Phase
    starts_at: datetime
    ends_at: datetime
    lots: int
    participants: int
    total_bids: int
    cancel_reason: str | None


class AuctionDetailOut(BaseModel):
    card: AuctionCardOut
    description: str
    dealer_id: int
    soft_close_window_s: int
    soft_close_extension_s: int
    lots: list[LotSummaryOut]


class ParticipantOut(BaseModel):
    number: int = Field(description="Order of joining; names are never shown")
    joined_at: datetime
    you: bool


class ParticipantsOut(BaseModel):
    auction_id: int
    count: int
    participants: list[ParticipantOut]
