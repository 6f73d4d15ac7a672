from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from api.services.uploads import UploadResult
from api.strict import StrictIn
from data.models import Car
from domain.auctions.lifecycle import Phase
from domain.inventory.catalog import SortKey
from domain.inventory.vehicle import BodyType, Damage, Fuel, TitleStatus, Transmission


class CarFieldsIn(StrictIn):
    """Every field is checked by domain.inventory.rules (one definition for the form, Excel and the API)."""

    vin: str | None = Field(default=None, max_length=40)
    make: str | None = Field(default=None, max_length=100)
    model: str | None = Field(default=None, max_length=100)
    variant: str | None = Field(default=None, max_length=100)
    year: int | None = Field(default=None, ge=0, le=9999)
    body_type: BodyType | None = None
    fuel: Fuel | None = None
    transmission: Transmission | None = None
    engine_cc: int | None = Field(default=None, ge=0, le=100_000)
    odometer_km: int | None = Field(default=None, ge=0, le=10_000_000)
    registration_year: int | None = Field(default=None, ge=0, le=9999)
    owners: int | None = Field(default=None, ge=0, le=100)
    colour: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=100)
    title_status: TitleStatus | None = None
    damage: Damage | None = None
    condition_grade: int | None = Field(default=None, ge=0, le=10)
    description: str | None = Field(default=None, max_length=5000)

    def values(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class CarCreateIn(CarFieldsIn):
    dealer_id: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                 description="Your store (default); an admin names any.")


class CarOut(BaseModel):
    id: int
    dealer_id: int
    vin: str
    make: str
    model: str
    variant: str
    year: int
    body_type: str
    fuel: str
    transmission: str
    engine_cc: int
    odometer_km: int
    registration_year: int | None
    owners: int
    colour: str
    city: str
    title_status: str
    damage: str
    condition_grade: int
    description: str
    photos: list[str]
    status: str
    listing_price: Decimal | None
    listing_ends_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, car: Car) -> CarOut:
        return cls.model_validate({name: getattr(car, name) for name in cls.model_fields})


class CarCardOut(BaseModel):
    id: int
    title: str
    vin: str
    city: str
    odometer_km: int
    status: str
    photo: str | None
    price: Decimal | None
    ends_at: datetime | None


class CarPageOut(BaseModel):
    items: list[CarCardOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class AuctionRefOut(BaseModel):
    id: int
    title: str
    phase: Phase


class LotSummaryOut(BaseModel):
    id: int
    number: int
    car_id: int
    title: str
    starting_price: Decimal
    current_price: Decimal | None
    has_reserve: bool
    reserve_met: bool
    buy_now_price: Decimal | None
    ends_at: datetime
    bid_count: int
    bidder_count: int
    extended: bool
    outcome: str | None
    changed_after_bids: bool


class CarUpdateOut(BaseModel):
    at: datetime
    fields: list[str]


class CarDetailOut(BaseModel):
    car: CarOut
    store_name: str
    store_city: str
    auction: AuctionRefOut | None
    lot: LotSummaryOut | None
    updates: list[CarUpdateOut]


class CellProblemOut(BaseModel):
    column: str
    value: str
    message: str


class UploadRowOut(BaseModel):
    row: int
    valid: bool
    vin: str
    car: str
    problems: list[CellProblemOut]


class UploadOut(BaseModel):
    total: int
    valid: int
    invalid: int
    imported: int
    rows: list[UploadRowOut]

    @classmethod
    def of(cls, result: UploadResult) -> UploadOut:
        report = result.report
        rows = [UploadRowOut(row=r.row, valid=r.valid, vin=str(r.values.get("vin") or "")[:60],
                             car=f"{r.values.get('make') or ''} {r.values.get('model') or ''}".strip()[:120],
                             problems=[CellProblemOut(column=p.column, value=p.value, message=p.message)
                                       for p in r.problems]) for r in report.rows]
        return cls(total=report.total, valid=report.valid_count, invalid=report.invalid_count,
                   imported=result.imported, rows=rows)


SORT_DESCRIPTION = f"One of: {', '.join(SortKey)}."
