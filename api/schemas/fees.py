"""Fee schedules over HTTP: read by anyone signed in, set by admins (domain/bidding/fee_schedule.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, Field

from api.strict import StrictIn
from domain.bidding.fee_schedule import FeeOverview, FeeVersion
from domain.bidding.fees import FeeBand, FeeSchedule

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


class FeeBandOut(BaseModel):
    from_price: Decimal
    percent: Decimal
    flat: Decimal
    minimum: Decimal
    maximum: Decimal | None


class FeeScheduleOut(BaseModel):
    version: int | None = Field(description="The stored version (null: the built-in default)")
    effective_from: datetime | None
    bands: list[FeeBandOut]

    @classmethod
    def of(cls, schedule: FeeSchedule) -> FeeScheduleOut:
        return cls(version=schedule.version, effective_from=schedule.effective_from,
                   bands=[FeeBandOut.model_validate(band, from_attributes=True) for band in schedule.bands])


class FeesOut(BaseModel):
    buyer_premium: FeeScheduleOut = Field(description="In force now")
    buyer_premium_next: FeeScheduleOut | None = Field(description="An announced change, if any")
    seller_fee_default: FeeScheduleOut
    dealer_id: int | None
    dealer_seller_fee: FeeScheduleOut | None = Field(description="What this dealer pays (own or default)")
    dealer_has_own_fee: bool

    @classmethod
    def of(cls, fees: FeeOverview) -> FeesOut:
        def out(schedule: FeeSchedule | None) -> FeeScheduleOut | None:
            return FeeScheduleOut.of(schedule) if schedule is not None else None

        return cls(buyer_premium=FeeScheduleOut.of(fees.premium), buyer_premium_next=out(fees.premium_next),
                   seller_fee_default=FeeScheduleOut.of(fees.seller_fee_default), dealer_id=fees.dealer_id,
                   dealer_seller_fee=out(fees.dealer_seller_fee), dealer_has_own_fee=fees.dealer_has_own_fee)


class FeeVersionOut(BaseModel):
    version: int
    kind: str
    dealer_id: int | None
    effective_from: datetime
    set_at: datetime
    set_by: int | None
    note: str
    bands: list[FeeBandOut] | None = Field(description="null: the dealer was put back on the default")

    @classmethod
    def of(cls, item: FeeVersion) -> FeeVersionOut:
        bands = FeeScheduleOut.of(item.schedule).bands if item.schedule else None
        return cls(version=item.version, kind=item.kind, dealer_id=item.dealer_id,
                   effective_from=item.effective_from, set_at=item.set_at, set_by=item.set_by, note=item.note,
                   bands=bands)
