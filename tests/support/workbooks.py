"""Workbooks for upload tests: valid cars with valid, unique VINs, and a writer that can break cells."""

from __future__ import annotations

import io
import random
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from domain.car_rules import CAR_FIELDS
from domain.vin import make_vin

HEADERS = [field.label for field in CAR_FIELDS]
# (make, model, variant, world manufacturer code, body, engine cc)
MODELS = (
    ("Maruti Suzuki", "Swift", "VXI", "MA3", "hatchback", 1197),
    ("Hyundai", "Creta", "SX", "MAL", "suv", 1497),
    ("Tata", "Nexon", "XZ+", "MAT", "suv", 1199),
    ("Mahindra", "Scorpio", "S11", "MA1", "suv", 2179),
    ("Honda", "City", "ZX", "MAK", "sedan", 1498),
)
CITIES = ("Pune", "Mumbai", "Delhi", "Bengaluru", "Chennai", "Jaipur")


class TextCell(str):
    """A value the workbook must store as text even when it looks like a formula ("=1+1")."""


def valid_cars(count: int, *, seed: int = 7) -> list[dict[str, Any]]:
    """`count` valid cars, as a dealer would type them, each with its own valid VIN."""
    rng, vins = random.Random(seed), set[str]()
    cars: list[dict[str, Any]] = []
    while len(cars) < count:
        car = _car(rng)
        if car["vin"] not in vins:
            vins.add(car["vin"])
            cars.append(car)
    return cars


def _car(rng: random.Random) -> dict[str, Any]:
    make, model, variant, wmi, body, engine = rng.choice(MODELS)
    year = rng.randint(2010, 2023)
    return {"vin": make_vin(rng, wmi, year=year), "make": make, "model": model, "variant": variant,
            "year": year, "body_type": body, "fuel": rng.choice(["petrol", "diesel"]),
            "transmission": rng.choice(["manual", "automatic", "amt"]), "engine_cc": engine,
            "odometer_km": rng.randint(5_000, 180_000), "registration_year": year,
            "owners": rng.randint(1, 3), "colour": rng.choice(["White", "Grey", "Red", "Blue"]),
            "city": rng.choice(CITIES), "title_status": "clean", "damage": "none",
            "condition_grade": rng.randint(2, 5), "description": "Serviced at the dealer."}


def changed(cars: Sequence[dict[str, Any]], index: int, **values: Any) -> list[dict[str, Any]]:
    """A copy of `cars` with some fields of one car replaced."""
    copy = [dict(car) for car in cars]
    copy[index].update(values)
    return copy


def car_cells(car: dict[str, Any]) -> list[Any]:
    return [car.get(field.name) for field in CAR_FIELDS]


def cars_workbook(cars: Iterable[dict[str, Any]], *, headers: Sequence[str] | None = None) -> bytes:
    return workbook((car_cells(car) for car in cars), headers=HEADERS if headers is None else headers)


def workbook(rows: Iterable[Sequence[Any]], *, headers: Sequence[str] | None = None,
             sheet_title: str = "Cars") -> bytes:
    """An .xlsx with `headers` (if any) then `rows`; write-only mode keeps 10,000 rows quick."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    if headers is not None:
        sheet.append(list(headers))
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, TextCell):
        return value
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell
