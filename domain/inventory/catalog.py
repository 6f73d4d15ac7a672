"""Browsing cars (FR7): filters, sorts and keyset pages over the marketplace or a store's own stock,
and one car's page with its auction. Signed-in users only.

A page's cursor is opaque to callers (URL-safe base64 of JSON: the sort, the last row's sort value and
id) and is checked on the way back in, so a damaged or foreign cursor is a ValidationFailed.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import partial
from typing import Annotated, Any

from pydantic import Field
from sqlmodel import col, select

from data.car_search import CarFilters as CarFilters  # noqa: PLC0414  (re-exported: pages and API ask the domain)
from data.car_search import Keyset, Order, available_makes_models, car_search
from data.media import get_media_store
from data.models import Auction, Car, CarUpdate, Dealer, Lot
from data.replica import browse_engine
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.validation import clean_text, collect
from domain.auctions.lifecycle import Phase
from domain.auctions.queries import LotRow, lot_row
from domain.auctions.service import phase_of
from domain.errors import Forbidden, NotFound, ValidationFailed
from domain.inventory.vehicle import BodyType, Fuel, TitleStatus, Transmission
from domain.inventory.views import CarView, car_view
from domain.permissions import Actor, require_store_owner
from domain.types import AuctionStatus, CarStatus, DealerStatus

PAGE_SIZE = 24
MAX_PAGE_SIZE = 100
MAX_TEXT = 100
MAX_ENDING_HOURS = 24 * 30
MAX_CURSOR = 512  # a real cursor is under 150 characters; anything longer is not worth decoding
_TEXTS = {"text": ("Search", MAX_TEXT), "make": ("Make", 40), "model": ("Model", 60), "city": ("City", 80)}
_CHOICES = {"fuel": Fuel, "transmission": Transmission, "body_type": BodyType, "title_status": TitleStatus}
_BAD_CURSOR = "This page link is damaged or out of date; start again from the first page."


class SortKey(StrEnum):
    NEWEST = "newest"
    ENDING_SOONEST = "ending_soonest"  # cars in an auction only, like both price orders
    PRICE_LOW = "price_low"
    PRICE_HIGH = "price_high"
    YEAR_NEWEST = "year_newest"
    ODOMETER_LOW = "odometer_low"


@dataclass(frozen=True)
class CarCard:
    """A car as a list shows it; price and end time are its lot's, when it is in an auction."""

    id: int
    title: str
    vin: str
    city: str
    odometer_km: int
    status: str
    photo: str | None  # the first photo's media key
    price: Decimal | None
    ends_at: datetime | None


@dataclass(frozen=True)
class BrowsePage:
    items: list[CarCard]
    next_cursor: Annotated[str | None, Field(
        description="Pass as `cursor` for the next page; null on the last.")]


@dataclass(frozen=True)
class CarChange:
    """Fields of a car changed while bidding on it was open."""

    at: datetime
    fields: list[str]


@dataclass(frozen=True)
class AuctionInfo:
    id: int
    title: str
    phase: Phase


@dataclass(frozen=True)
class CarDetail:
    car: CarView
    store_name: str
    store_city: str
    auction: AuctionInfo | None  # the published auction the car is in, if any
    lot: LotRow | None  # its lot there: price, reserve met or not (never the amount), buy-now, end
    updates: list[CarChange]  # description or photo changes made while bidding was open


def _moment(value: object) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        raise ValueError("not an aware ISO time")
    return moment


def _amount(value: object) -> Decimal:
    amount = Decimal(value) if isinstance(value, str) else Decimal("NaN")
    if not amount.is_finite() or abs(amount) >= 10**13:  # beyond any price, and beyond BIGINT paise
        raise ValueError("not a price")
    return amount


def _whole(value: object) -> int:
    if type(value) is not int or not 0 <= value < 2**31:  # the columns are 32-bit integers
        raise ValueError("not a whole number in range")
    return value


# Each sort: the ORDER BY it runs, and how a cursor's JSON value turns back into that column's type.
_SORTS: dict[SortKey, tuple[Order, Callable[[object], Any]]] = {
    SortKey.NEWEST: (Order("created_at", descending=True), _moment),
    SortKey.ENDING_SOONEST: (Order("listing_ends_at"), _moment),
    SortKey.PRICE_LOW: (Order("listing_price"), _amount),
    SortKey.PRICE_HIGH: (Order("listing_price", descending=True), _amount),
    SortKey.YEAR_NEWEST: (Order("year", descending=True), _whole),
    SortKey.ODOMETER_LOW: (Order("odometer_km"), _whole),
}


def car_browse(actor: Actor | None, filters: CarFilters | None = None, sort: SortKey = SortKey.NEWEST,
               cursor: str | None = None, limit: int = PAGE_SIZE) -> BrowsePage:
    """Available cars of verified stores, one page at a time."""
    _signed_in(actor)
    return _browse(filters or CarFilters(), sort, cursor, limit, dealer_id=None)


def car_browse_own(actor: Actor, dealer_id: int, filters: CarFilters | None = None,
                   sort: SortKey = SortKey.NEWEST, *, cursor: str | None = None,
                   limit: int = PAGE_SIZE) -> BrowsePage:
    """A store's cars in stock and sold (not withdrawn), for its dealer or an admin."""
    require_store_owner(actor, dealer_id)
    return _browse(filters or CarFilters(), sort, cursor, limit, dealer_id=dealer_id)


def _browse(filters: CarFilters, sort: SortKey, cursor: str | None, limit: int, *,
            dealer_id: int | None) -> BrowsePage:
    key, checked, size = sort_key(sort), filters_checked(filters), page_size(limit)
    after = cursor_decode(cursor, key) if cursor else None
    # Browsing may read a replica (data/replica.py); one row more than the page tells whether another follows
    with UnitOfWork(write=False, engine=browse_engine()) as uow:
        rows = car_search(uow.session, checked, _SORTS[key][0], after=after, limit=size + 1,
                          now=utcnow(), dealer_id=dealer_id)
    more = cursor_encode(key, rows[size - 1]) if len(rows) > size else None
    return BrowsePage([car_card(car) for car in rows[:size]], more)


def car_card(car: Car) -> CarCard:
    return CarCard(car.id or 0, car_title(car), car.vin, car.city, car.odometer_km, car.status,
                   car.photos[0] if car.photos else None, car.listing_price, car.listing_ends_at)


def _signed_in(actor: Actor | None) -> Actor:
    if actor is None:
        raise Forbidden("Please sign in first.")
    return actor


# --- input rules (pure) -------------------------------------------------------


def sort_key(sort: str) -> SortKey:
    try:
        return SortKey(sort)
    except ValueError:
        raise ValidationFailed({"sort": f"Sort by one of: {', '.join(SortKey)}."}) from None


def page_size(limit: int) -> int:
    """At least one car a page; more than MAX_PAGE_SIZE is capped, not refused."""
    if limit < 1:
        raise ValidationFailed({"limit": f"Show between 1 and {MAX_PAGE_SIZE} cars a page."})
    return min(limit, MAX_PAGE_SIZE)


def filters_checked(filters: CarFilters) -> CarFilters:
    """The filters with text trimmed (blank is "any"), or one ValidationFailed naming every problem."""
    checks: dict[str, Callable[[], Any]] = {
        name: partial(_optional_text, getattr(filters, name), label, limit)
        for name, (label, limit) in _TEXTS.items()}
    checks |= {name: partial(_choice, getattr(filters, name), choices) for name, choices in _CHOICES.items()}
    checks |= {"year": partial(_range, "Year", filters.year_min, filters.year_max),
               "price": partial(_range, "Price", filters.price_min, filters.price_max),
               "odometer_max": partial(_range, "Odometer", None, filters.odometer_max),
               "ending_within_hours": partial(_hours, filters.ending_within_hours)}
    cleaned = collect(checks)
    return replace(filters, **{name: cleaned[name] for name in (*_TEXTS, *_CHOICES)})


def _optional_text(value: str | None, label: str, limit: int) -> str | None:
    return clean_text(value or "", label=label, max_len=limit, min_len=0) or None


def _choice(value: str | None, choices: type[StrEnum]) -> str | None:
    if value is None or value in set(choices):
        return value
    raise ValueError(f"must be one of: {', '.join(choices)}.")


def _range(label: str, low: int | Decimal | None, high: int | Decimal | None) -> None:
    for bound in (low, high):
        if isinstance(bound, Decimal) and not bound.is_finite():
            raise ValueError(f"{label} must be a number.")
        if bound is not None and bound < 0:
            raise ValueError(f"{label} cannot be negative.")
    if low is not None and high is not None and low > high:
        raise ValueError(f"{label}: the minimum ({low}) is above the maximum ({high}); swap them.")


def _hours(hours: int | None) -> None:
    if hours is not None and not 1 <= hours <= MAX_ENDING_HOURS:
        raise ValueError(f"Ending within must be between 1 and {MAX_ENDING_HOURS} hours.")


def cursor_encode(sort: SortKey, car: Car) -> str:
    value = getattr(car, _SORTS[sort][0].column)
    payload = {"s": sort.value, "v": value.isoformat() if isinstance(value, datetime) else value,
               "i": car.id}
    raw = json.dumps(payload, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str, sort: SortKey) -> Keyset:
    """The position a cursor names, for this sort; anything else is a ValidationFailed."""
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError("too long")
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(payload, dict) or payload.get("s") != sort.value:
            raise ValueError("not a cursor of this sort")
        return Keyset(_SORTS[sort][1](payload.get("v")), _whole(payload.get("i")))
    except (ValueError, TypeError, InvalidOperation):  # binascii and JSON errors are ValueErrors
        raise ValidationFailed({"cursor": _BAD_CURSOR}) from None


# --- one car ------------------------------------------------------------------


def car_detail(actor: Actor | None, car_id: int) -> CarDetail:
    viewer = _signed_in(actor)
    with UnitOfWork(write=False) as uow:
        car, dealer = _visible_car(uow, viewer, car_id)
        listing = _open_lot(uow, car_id)
        info = (AuctionInfo(listing[1].id or 0, listing[1].title, phase_of(uow, listing[1], utcnow()))
                if listing else None)
        updates = uow.session.exec(select(CarUpdate).where(CarUpdate.car_id == car_id)
                                   .order_by(col(CarUpdate.at))).all()
        return CarDetail(car_view(car), dealer.store_name, dealer.city, info,
                         lot_row(listing[0], car) if listing else None,
                         [CarChange(update.at, list(update.fields)) for update in updates])



def _visible_car(uow: UnitOfWork, actor: Actor, car_id: int) -> tuple[Car, Dealer]:
    """Withdrawn cars and cars of unverified stores exist only for their owner and admins."""
    row = uow.session.exec(select(Car, Dealer).join(Dealer, col(Dealer.id) == Car.dealer_id)
                           .where(Car.id == car_id)).first()
    if row is None:
        raise NotFound("No such car.")
    car, dealer = row
    hidden = car.status in (CarStatus.WITHDRAWN, CarStatus.FROZEN) or dealer.status != DealerStatus.VERIFIED
    if hidden and not (actor.is_admin or actor.dealer_id == car.dealer_id):
        raise NotFound("No such car.")
    return car, dealer


def _open_lot(uow: UnitOfWork, car_id: int) -> tuple[Lot, Auction] | None:
    """The car's undecided lot in a published auction (drafts are the dealer's business)."""
    query = (select(Lot, Auction).join(Auction, col(Auction.id) == Lot.auction_id)
             .where(Lot.car_id == car_id, Auction.status == AuctionStatus.SCHEDULED,
                    col(Lot.outcome).is_(None))
             .order_by(col(Lot.id).desc()))
    row = uow.session.exec(query).first()
    return (row[0], row[1]) if row else None


def makes_and_models() -> dict[str, list[str]]:
    """Makes with their models among cars on sale now, for the filter dropdowns."""
    with UnitOfWork(write=False) as uow:
        return available_makes_models(uow.session)


def car_title(car: Car | CarView) -> str:
    return f"{car.year} {car.make} {car.model} {car.variant}".strip()


def photo_bytes(key: str) -> bytes | None:
    """A stored picture, or None when it is gone: the page then shows the car without it."""
    try:
        return get_media_store().read(key)
    except (OSError, ValueError):
        return None
