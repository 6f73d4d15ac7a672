"""What the auction routes take in; they answer with `domain.auctions.queries`' read models."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from api.strict import StrictIn
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
