"""What the car routes take in; they answer with `domain.inventory`'s read models."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from api.strict import StrictIn
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


SORT_DESCRIPTION = f"One of: {', '.join(SortKey)}."
