"""What a valid car listing is: one definition for the car form, the Excel upload and the API.

`CAR_FIELDS` describes every field (label, kind, limits, allowed values, a hint); `clean_car` checks a
whole record and raises one ValidationFailed naming each bad field, what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

# The fields' definitions stand on the store's floor (the workbook reader needs them); re-exported here
from data.car_fields import CAR_FIELDS as CAR_FIELDS  # noqa: PLC0414
from data.car_fields import FIELDS_BY_NAME as FIELDS_BY_NAME  # noqa: PLC0414
from data.car_fields import FIRST_YEAR as FIRST_YEAR  # noqa: PLC0414
from data.car_fields import CarField as CarField  # noqa: PLC0414
from data.car_fields import year_high as year_high  # noqa: PLC0414
from domain.accounts.validation import clean_text
from domain.errors import ValidationFailed
from domain.inventory.vehicle import Fuel
from domain.inventory.vin import InvalidVin, normalize_vin

FORMULA_PREFIXES = ("=", "+", "-", "@")
MAX_DIGITS = 12  # no field needs more; refusing early keeps absurd inputs cheap


def clean_car(raw: Mapping[str, Any], *, only: set[str] | None = None) -> dict[str, Any]:
    """Validate every field (or `only` some); returns clean values or raises ValidationFailed."""
    cleaned: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field in CAR_FIELDS:
        if only is not None and field.name not in only:
            continue
        try:
            cleaned[field.name] = clean_field(field, raw.get(field.name))
        except ValueError as error:
            problems[field.name] = str(error)
    problems.update(_cross_checks(cleaned))
    if problems:
        raise ValidationFailed(problems)
    return cleaned


def clean_field(field: CarField, value: Any) -> Any:
    if _blank(value):
        if field.required:
            raise ValueError(f"{field.label} is required{_hint(field)}.")
        return "" if field.kind == "text" else None
    cleaner = {"text": _text, "int": _integer, "choice": _choice, "vin": _vin}[field.kind]
    return cleaner(field, value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _hint(field: CarField) -> str:
    return f" ({field.hint})" if field.hint else ""


def _text(field: CarField, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{field.label} must be text, not {_kind_of(value)}; "
                         "type it as text (in Excel, format the cell as Text).")
    text = clean_text(value, label=field.label, max_len=field.max_len)
    if text.startswith(FORMULA_PREFIXES):
        raise ValueError(f"{field.label} starts with '{text[0]}', which spreadsheets run as a formula; "
                         "remove that first character.")
    return text


def _integer(field: CarField, value: Any) -> int:
    number = _as_int(field, value)
    high = field.high or year_high()
    if not field.low <= number <= high:
        raise ValueError(f"{field.label} is {number}; it must be between {field.low} and {high}.")
    return number


def _as_int(field: CarField, value: Any) -> int:
    if isinstance(value, bool | date | datetime):
        raise ValueError(f"{field.label} must be a whole number, not {_kind_of(value)}.")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    digits = value.strip().replace(",", "") if isinstance(value, str) else ""
    if digits.isdigit() and len(digits) <= MAX_DIGITS:
        return int(digits)
    raise ValueError(f"{field.label} must be a whole number{_hint(field)}; got {str(value)[:40]!r}.")


def _choice(field: CarField, value: Any) -> str:
    assert field.choices is not None
    allowed = [c.value for c in field.choices]
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text not in allowed:
        raise ValueError(f"{field.label} must be one of: {', '.join(allowed)}; "
                         f"got {str(value)[:40]!r}.")
    return text


def _vin(field: CarField, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"VIN must be text, not {_kind_of(value)}.")
    try:
        return normalize_vin(value)
    except InvalidVin as error:
        raise ValueError(str(error)) from None


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, datetime | date):
        return "a date"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _cross_checks(car: Mapping[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    year, registered = car.get("year"), car.get("registration_year")
    if year and registered and registered < year:
        problems["registration_year"] = (f"Registration year {registered} is before the model year "
                                         f"{year}; a car is registered in or after its model year.")
    fuel, engine = car.get("fuel"), car.get("engine_cc")
    if fuel and engine is not None:
        if fuel == Fuel.ELECTRIC and engine != 0:
            problems["engine_cc"] = "An electric car has no engine displacement: enter 0."
        elif fuel != Fuel.ELECTRIC and engine < 500:
            problems["engine_cc"] = f"Engine (cc) is {engine}; a {fuel} car's engine is 500 cc or more."
    return problems
