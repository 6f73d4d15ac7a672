"""Browsing and searching cars (FR7): one parameterised SELECT per page, served by an index (NFR3).

Every SQLite/PostgreSQL difference of browsing lives here. Free text runs on SQLite's FTS5 table
`cars_fts` and on PostgreSQL's GIN expression index `cars_search_idx` (migration 0006); both cover
what the search box suggests: make, model, variant, fuel, transmission, body type, city and
description. Pages are keyset-paged: ORDER BY (sort column, id) and WHERE (column, id) > (last value,
last id), so page 50 costs what page 1 costs, and a car listed meanwhile neither repeats nor hides a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from sqlalchemy import ColumnElement, column, exists, func, literal, literal_column, table, tuple_
from sqlmodel import Session, col, select

from data.enums import CarStatus, DealerStatus
from data.models import Car, Dealer

# The document of the PostgreSQL index `cars_search_idx`, word for word: the planner uses an
# expression index only for a query that repeats its expression exactly (bound ' ' parameters would
# not match, so this stays literal SQL).
SEARCHED = ("make", "model", "variant", "fuel", "transmission", "body_type", "city", "description")
PG_DOCUMENT = "to_tsvector('simple', " + " || ' ' || ".join(f"cars.{name}" for name in SEARCHED) + ")"
# What FTS5's unicode61 tokenizer keeps as a word: letters and digits. Anything else (quotes, `*`,
# `(`, `-`, `^`, `:`) is FTS syntax or a separator, so it is dropped before the query is built.
_WORD = re.compile(r"[^\W_]+")
MAX_TOKENS = 12  # a search box query, not a document: more words only cost time
LISTING_COLUMNS = frozenset({"listing_price", "listing_ends_at"})
SORTABLE = frozenset({"created_at", "year", "odometer_km"}) | LISTING_COLUMNS
_FTS = table("cars_fts", column("rowid"))  # SQLite only; made by hand in migrations 0002 and 0006
# Measured at 1M cars: sorting 1,000 matches ~5 ms, walking the sort index for 1,001 ~10 ms; listing
# every match costs ~0.15 us each, probing a row ~100 us: probing wins once 1 car in ~7 matches.
FTS_FEW = 1_000
FTS_COMMON = 0.15


@dataclass(frozen=True)
class CarFilters:
    """What a bidder narrows the list by; None (or blank text) means "any"."""

    text: str | None = None
    make: str | None = None
    model: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    fuel: str | None = None
    transmission: str | None = None
    body_type: str | None = None
    city: str | None = None
    odometer_max: int | None = None
    title_status: str | None = None
    ending_within_hours: int | None = None


@dataclass(frozen=True)
class Order:
    """ORDER BY `column`, id — in one direction, so one index scan (forward or backward) serves it."""

    column: str
    descending: bool = False


@dataclass(frozen=True)
class Keyset:
    """The last row of the previous page: the next page starts strictly after it."""

    value: Any
    id: int


def search_tokens(text_query: str | None) -> list[str]:
    """The words of a search box query, lower-cased; no token can carry FTS syntax."""
    return [word.lower() for word in _WORD.findall(text_query or "")][:MAX_TOKENS]


def fts5_query(tokens: list[str]) -> str:
    """Each token as an FTS5 string (a phrase of one word): `OR`, `NEAR` and `*` are plain words.
    Tokens hold letters and digits only, so none can close its quotes."""
    return " ".join(f'"{token}"' for token in tokens)


def car_search(session: Session, filters: CarFilters, order: Order, *, after: Keyset | None,
               limit: int, now: datetime, dealer_id: int | None = None) -> list[Car]:
    """One page of cars: the marketplace's available cars, or (given `dealer_id`) a store's own."""
    column = _sort_column(order)
    matching, few = _text(session, filters.text)
    # The text test goes last: SQLite checks the cheap column tests first, then probes the index.
    conditions = [*_scope(dealer_id), *_filters(filters, now), *_listed_only(order, now), *matching]
    if after is not None:
        conditions.append(_after(column, after, order.descending))
    if few:  # SQLite's "+column" is the same value, but no index can order it (see _sqlite_text)
        column = literal_column(f"+cars.{order.column}")
    keys = (column.desc(), col(Car.id).desc()) if order.descending else (column, col(Car.id))
    query = select(Car).where(*conditions).order_by(*keys).limit(limit)
    with _planned_for_its_values(session):
        return list(session.exec(query).all())


@contextmanager
def _planned_for_its_values(session: Session) -> Iterator[None]:
    """On PostgreSQL the page's SELECT is never a prepared statement, so it is planned for the values
    it carries. psycopg prepares a statement from its sixth run on a connection, and PostgreSQL soon
    switches a prepared statement to a generic plan, which cannot see the values: bound ranges
    (years, prices) count as matching 0.5 % of rows and every make as common as the average, so
    "Maruti Suzuki 2018-2022, ending soonest" walked 67,000 rows of the make-year index and sorted
    them (160-800 ms at 1M cars) instead of reading 300 rows of the closing-time index (0.2 ms).
    Measured at 1M cars (bench/results/inventory.txt), planning each run costs ~0.3 ms, a
    connection-wide plan_cache_mode=force_custom_plan costs the same but would also replan the
    bidding's hot statements, and the filter combinations would churn psycopg's 100 prepared slots."""
    driver = session.connection().connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        yield  # SQLite plans every statement for its values already
        return
    threshold, driver.prepare_threshold = driver.prepare_threshold, None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def available_makes_models(session: Session) -> dict[str, list[str]]:
    """Each make with its models, from cars on sale now: the choices of the filter dropdowns."""
    query = (select(Car.make, Car.model).where(*_scope(None)).distinct()
             .order_by(col(Car.make), col(Car.model)))
    choices: dict[str, list[str]] = {}
    for make, model in session.exec(query).all():
        choices.setdefault(make, []).append(model)
    return choices


def _sort_column(order: Order) -> Any:
    if order.column not in SORTABLE:
        raise ValueError(f"cars cannot be sorted by {order.column!r}; use one of {sorted(SORTABLE)}")
    return col(getattr(Car, order.column))


def _scope(dealer_id: int | None) -> list[ColumnElement[bool]]:
    if dealer_id is not None:  # a store sees its stock and its sales, not what it removed
        return [col(Car.dealer_id) == dealer_id, col(Car.status) != CarStatus.WITHDRAWN]
    # A correlated EXISTS keeps `cars` the driving table, so the sort index decides the plan;
    # the dealer check is one primary-key probe per row into a small table.
    verified = exists().where(col(Dealer.id) == Car.dealer_id, col(Dealer.status) == DealerStatus.VERIFIED)
    return [col(Car.status) == CarStatus.AVAILABLE, verified]


def _filters(f: CarFilters, now: datetime) -> list[ColumnElement[bool]]:
    equal = {"make": f.make, "model": f.model, "fuel": f.fuel, "transmission": f.transmission,
             "body_type": f.body_type, "city": f.city, "title_status": f.title_status}
    conditions = [col(getattr(Car, name)) == value for name, value in equal.items() if value is not None]
    bounds = [(Car.year, f.year_min, f.year_max), (Car.listing_price, f.price_min, f.price_max),
              (Car.odometer_km, None, f.odometer_max)]
    for bounded, low, high in bounds:
        conditions += [col(bounded) >= low] if low is not None else []
        conditions += [col(bounded) <= high] if high is not None else []
    if f.ending_within_hours is not None:
        conditions.append(col(Car.listing_ends_at) <= now + timedelta(hours=f.ending_within_hours))
        conditions.append(col(Car.listing_ends_at) > now)
    return conditions


def _listed_only(order: Order, now: datetime) -> list[ColumnElement[bool]]:
    """A price or closing-time order only ranks cars in an auction; ending-soonest skips lots whose
    time has passed but which are not settled yet (they can take no more bids)."""
    if order.column not in LISTING_COLUMNS:
        return []
    conditions: list[ColumnElement[bool]] = [col(getattr(Car, order.column)).is_not(None)]
    if order.column == "listing_ends_at":
        conditions.append(col(Car.listing_ends_at) > now)
    return conditions


def _after(column: Any, after: Keyset, descending: bool) -> ColumnElement[bool]:
    """Row-value comparison: both stores turn it into one index range, with no OFFSET to walk."""
    position = tuple_(column, col(Car.id))
    last = tuple_(literal(after.value, column.type), literal(after.id))
    return position < last if descending else position > last


def _text(session: Session, text_query: str | None) -> tuple[list[ColumnElement[bool]], bool]:
    """The free-text condition, and whether SQLite should sort the few matches instead of walking
    the sort index (PostgreSQL's planner decides that itself, from the index's statistics)."""
    tokens = search_tokens(text_query)
    if not tokens:  # nothing searchable (empty, or only punctuation): no text condition
        return [], False
    if session.get_bind().dialect.name == "postgresql":
        # The same words as on SQLite, bound; plainto_tsquery ANDs them and knows no operators.
        query = func.plainto_tsquery(literal_column("'simple'"), " ".join(tokens))
        return [literal_column(PG_DOCUMENT).op("@@", is_comparison=True)(query)], False
    return _sqlite_text(session, fts5_query(tokens))


def _sqlite_text(session: Session, query: str) -> tuple[list[ColumnElement[bool]], bool]:
    """SQLite walks the sort index and checks each car against the matches, which suits a common
    word; with few matches the walk reads most of the table before a page fills (a typo reads all of
    it). So up to FTS_FEW matches are looked up by id and sorted instead; and a word in most cars is
    probed row by row rather than listed whole. At 1M cars each plan stays under ~15 ms."""
    matches = select(_FTS.c.rowid).where(literal_column("cars_fts").match(query))
    ids = list(session.exec(matches.limit(FTS_FEW + 1)).all())
    if len(ids) <= FTS_FEW:
        return [col(Car.id).in_(ids)], True
    if len(ids) / (ids[-1] - ids[0] + 1) >= FTS_COMMON:  # FTS5 yields rowids in order: the share matching
        return [exists(matches.where(_FTS.c.rowid == Car.id))], False
    return [col(Car.id).in_(matches)], False
