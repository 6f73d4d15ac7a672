"""What a valid auction and its lots are (FR11): pure checks, shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.accounts.validation import clean_text
from domain.errors import ValidationFailed
from domain.formatting import MAX_PRICE as MAX_PRICE  # noqa: PLC0414  (re-exported: the cap rules name)
from domain.formatting import amount_or_none

MAX_LOTS = 100
MIN_DURATION = timedelta(minutes=10)
MAX_DURATION = timedelta(days=30)
MAX_LOT_INTERVAL_S = 600


@dataclass(frozen=True)
class LotSpec:
    car_id: int
    starting_price: Decimal
    reserve_price: Decimal | None = None
    buy_now_price: Decimal | None = None


@dataclass(frozen=True)
class AuctionSpec:
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime  # when the first lot closes; later lots close `lot_interval_s` apart
    lots: tuple[LotSpec, ...]
    lot_interval_s: int = 60
    soft_close_window_s: int = 120
    soft_close_extension_s: int = 120
    latest_end_at: datetime | None = None

    def lot_ends(self) -> list[datetime]:
        return [self.ends_at + timedelta(seconds=self.lot_interval_s * i) for i in range(len(self.lots))]


def lots_from_rows(rows: Sequence[Mapping[str, Any]], *,
                   default_start: object = None) -> tuple[LotSpec, ...]:
    """Lots typed into a table (car id, starting price, optional reserve and buy-now) as LotSpecs;
    a blank starting price takes `default_start` when one is given."""
    lots, problems = [], {}
    for number, row in enumerate(rows, start=1):
        try:
            given = amount_or_none(row.get("starting_price"), label="Starting price")
            starting = given or _required(amount_or_none(default_start, label="Starting price"))
            lots.append(LotSpec(int(row["car_id"]), starting,
                                amount_or_none(row.get("reserve_price"), label="Reserve"),
                                amount_or_none(row.get("buy_now_price"), label="Buy-now price")))
        except ValueError as error:
            problems[f"lot {number}"] = str(error)
    if problems:
        raise ValidationFailed(problems)
    return tuple(lots)


def _required(amount: Decimal | None) -> Decimal:
    if amount is None:
        raise ValueError("Starting price is required.")
    return amount


def check_auction(spec: AuctionSpec, *, now: datetime) -> None:
    problems = _schedule_problems(spec, now) | _setting_problems(spec)
    if not 3 <= len(spec.title.strip()) <= 150:
        problems["title"] = "Title needs 3 to 150 characters."
    try:
        clean_text(spec.description, label="Description", max_len=5000, min_len=0)
    except ValueError as error:
        problems["description"] = str(error)
    problems |= check_lots(spec.lots)
    if problems:
        raise ValidationFailed(problems)


def _schedule_problems(spec: AuctionSpec, now: datetime) -> dict[str, str]:
    problems = {}
    if spec.starts_at < now - timedelta(minutes=1):
        problems["starts_at"] = "The start is in the past; pick a time from now on."
    duration = spec.ends_at - spec.starts_at
    if not MIN_DURATION <= duration <= MAX_DURATION:
        problems["ends_at"] = "The first lot must close between 10 minutes and 30 days after the start."
    last_close = spec.lot_ends()[-1] if spec.lots else spec.ends_at
    if spec.latest_end_at is not None and spec.latest_end_at < last_close:
        problems["latest_end_at"] = "The latest end must be after the last lot's scheduled close."
    return problems


def _setting_problems(spec: AuctionSpec) -> dict[str, str]:
    problems = {}
    if not 0 <= spec.lot_interval_s <= MAX_LOT_INTERVAL_S:
        problems["lot_interval_s"] = "Lots close between 0 and 10 minutes apart."
    if not 0 <= spec.soft_close_window_s <= 600:
        problems["soft_close_window_s"] = "The closing window is 0 to 10 minutes."
    if not 30 <= spec.soft_close_extension_s <= 600:
        problems["soft_close_extension_s"] = "The extension is 30 seconds to 10 minutes."
    return problems


def check_lots(lots: Sequence[LotSpec]) -> dict[str, str]:
    if not 1 <= len(lots) <= MAX_LOTS:
        return {"lots": f"An auction has 1 to {MAX_LOTS} lots; this one has {len(lots)}."}
    if len({lot.car_id for lot in lots}) != len(lots):
        return {"lots": "A car can be in only one lot of an auction."}
    problems = {}
    for number, lot in enumerate(lots, start=1):
        problem = _lot_problem(lot)
        if problem:
            problems[f"lot {number}"] = problem
    return problems


def _lot_problem(lot: LotSpec) -> str | None:
    if lot.reserve_price is not None and lot.reserve_price < lot.starting_price:
        return "The reserve cannot be below the starting price."
    floor = max(lot.starting_price, lot.reserve_price or Decimal(0))
    if lot.buy_now_price is not None and lot.buy_now_price <= floor:
        return "The buy-now price must be above the starting price and the reserve."
    return None
