"""Fee schedules over HTTP: read by anyone signed in, set by admins (domain/bidding/fee_schedule.py)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, Field

from api.strict import StrictIn
from domain.bidding.fees import FeeBand

Amount = Decimal


class FeeBandIn(StrictIn):
    from_price: Amount = Field(ge=0, lt=10**8, decimal_places=2, description="The band starts at this hammer")
    percent: Decimal = Field(default=Decimal(0), ge=0, le=100, decimal_places=2)
    flat: Amount = Field(default=Decimal(0), ge=0, lt=10**8, decimal_places=2)
    minimum: Amount = Field(default=Decimal(0), ge=0, lt=10**8, decimal_places=2)
    maximum: Amount | None = Field(default=None, ge=0, lt=10**8, decimal_places=2)

    def band(self) -> FeeBand:
        return FeeBand(self.from_price, self.percent, self.flat, self.minimum, self.maximum)


class FeeScheduleIn(StrictIn):
    """A new version: bands rising from 0, in force from `effective_from` (default now; never past)."""

    bands: list[FeeBandIn] = Field(min_length=1, max_length=50)
    effective_from: AwareDatetime | None = None
    note: str = Field(default="", max_length=300)

    def fee_bands(self) -> list[FeeBand]:
        return [band.band() for band in self.bands]


class SellerFeeIn(StrictIn):
    """A dealer's own seller fee; `bands: null` puts the dealer back on the platform default."""

    bands: list[FeeBandIn] | None = Field(max_length=50)
    effective_from: AwareDatetime | None = None
    note: str = Field(default="", max_length=300)
