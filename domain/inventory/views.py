"""A car as its listing holds it: the one read model of a car, for its page, the dealer's edit form
and the API's answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from data.models import Car
from domain.types import read_model


@dataclass(frozen=True)
class CarView:
    """A car as its listing holds it: what its page shows and what a create or change answers with."""

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


def car_view(car: Car) -> CarView:
    return read_model(CarView, car, id=car.id or 0, photos=list(car.photos))
