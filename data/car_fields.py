"""What each field of a car listing is: label, kind, limits, allowed values, a hint. The car form, the
Excel template and reader, and the rules that check a car (`domain.inventory.rules`) all derive from
`CAR_FIELDS`, so they never disagree; it stands on the store's floor because the workbook is read there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from data.enums import BodyType, Damage, Fuel, TitleStatus, Transmission

FIRST_YEAR = 1950
VIN_LENGTH = 17


@dataclass(frozen=True)
class CarField:
    name: str
    label: str
    kind: str  # text, int, choice, vin
    required: bool = True
    max_len: int = 0
    low: int = 0
    high: int = 0
    choices: type[StrEnum] | None = None
    hint: str = ""


def year_high() -> int:
    return date.today().year + 1


CAR_FIELDS: tuple[CarField, ...] = (
    CarField("vin", "VIN", "vin", hint="17 characters, no I, O or Q; the 9th is a check digit"),
    CarField("make", "Make", "text", max_len=40, hint="e.g. Maruti Suzuki"),
    CarField("model", "Model", "text", max_len=60, hint="e.g. Swift"),
    CarField("variant", "Variant", "text", required=False, max_len=60, hint="e.g. VXI"),
    CarField("year", "Year", "int", low=FIRST_YEAR, high=0, hint="model year, e.g. 2019"),
    CarField("body_type", "Body type", "choice", choices=BodyType),
    CarField("fuel", "Fuel", "choice", choices=Fuel),
    CarField("transmission", "Transmission", "choice", choices=Transmission),
    CarField("engine_cc", "Engine (cc)", "int", low=0, high=10_000, hint="0 for electric cars"),
    CarField("odometer_km", "Odometer (km)", "int", low=0, high=2_000_000),
    CarField("registration_year", "Registration year", "int", required=False, low=FIRST_YEAR, high=0),
    CarField("owners", "Owners", "int", low=0, high=20, hint="previous owners"),
    CarField("colour", "Colour", "text", max_len=30),
    CarField("city", "City", "text", max_len=80, hint="where the car can be inspected"),
    CarField("title_status", "Title status", "choice", choices=TitleStatus),
    CarField("damage", "Damage", "choice", choices=Damage),
    CarField("condition_grade", "Condition grade", "int", low=0, high=5, hint="0 (scrap) to 5 (like new)"),
    CarField("description", "Description", "text", required=False, max_len=5_000),
)
FIELDS_BY_NAME = {field.name: field for field in CAR_FIELDS}
