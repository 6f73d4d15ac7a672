"""The pure parts of browsing: cursors survive a round trip and refuse tampering, filters are checked
with messages that say what to fix, and search text never reaches FTS as syntax."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from data.car_search import MAX_TOKENS, Keyset, fts5_query, search_tokens
from data.models import Car
from domain.errors import ValidationFailed
from domain.inventory.catalog import (
    MAX_PAGE_SIZE,
    CarFilters,
    SortKey,
    cursor_decode,
    cursor_encode,
    filters_checked,
    page_size,
    sort_key,
)

CAR = Car(id=42, year=2019, odometer_km=42_000, listing_price=Decimal("315000.50"),
          created_at=datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
          listing_ends_at=datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
POSITION = {
    SortKey.NEWEST: CAR.created_at, SortKey.ENDING_SOONEST: CAR.listing_ends_at,
    SortKey.PRICE_LOW: CAR.listing_price, SortKey.PRICE_HIGH: CAR.listing_price,
    SortKey.YEAR_NEWEST: 2019, SortKey.ODOMETER_LOW: 42_000,
}


def forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize("sort", list(SortKey))
def test_a_cursor_names_the_last_row_exactly_and_is_url_safe(sort: SortKey) -> None:
    cursor = cursor_encode(sort, CAR)
    assert cursor_decode(cursor, sort) == Keyset(POSITION[sort], 42)
    assert all(ch.isalnum() or ch in "-_" for ch in cursor)


@pytest.mark.parametrize("cursor", [
    "", "garbage!", "e30", "bm90IGpzb24", forged([1, 2]), forged({"s": "newest", "v": "yesterday", "i": 1}),
    forged({"s": "newest", "v": "2026-03-01T09:30:00", "i": 1}),  # a naive time
    forged({"s": "newest", "v": "2026-03-01T09:30:00+00:00", "i": "1"}),
    forged({"s": "newest", "v": "2026-03-01T09:30:00+00:00", "i": True}),
    forged({"s": "newest", "v": "2026-03-01T09:30:00+00:00", "i": -5}),
    forged({"s": "newest", "v": "2026-03-01T09:30:00+00:00"}),
    forged({"s": "year_newest", "v": 2019, "i": 1}),  # another sort's cursor
    "A" * 10_000,
])
def test_a_damaged_or_foreign_cursor_is_a_validation_failure(cursor: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        cursor_decode(cursor, SortKey.NEWEST)
    assert "first page" in refused.value.problems["cursor"]


@pytest.mark.parametrize(("sort", "value"), [
    (SortKey.PRICE_LOW, "NaN"), (SortKey.PRICE_LOW, "Infinity"), (SortKey.PRICE_LOW, "1e30"),
    (SortKey.PRICE_LOW, 5), (SortKey.YEAR_NEWEST, 10**30), (SortKey.YEAR_NEWEST, 2019.5),
    (SortKey.YEAR_NEWEST, "2019"), (SortKey.ODOMETER_LOW, None),
])
def test_cursor_values_must_fit_their_column(sort: SortKey, value: object) -> None:
    with pytest.raises(ValidationFailed):
        cursor_decode(forged({"s": sort.value, "v": value, "i": 1}), sort)


@pytest.mark.parametrize(("filters", "field", "words"), [
    (CarFilters(year_min=2022, year_max=2018), "year", "swap them"),
    (CarFilters(year_min=-1), "year", "negative"),
    (CarFilters(price_min=Decimal(-1)), "price", "negative"),
    (CarFilters(price_min=Decimal(900_000), price_max=Decimal(100_000)), "price", "above the maximum"),
    (CarFilters(price_max=Decimal("NaN")), "price", "a number"),
    (CarFilters(odometer_max=-10), "odometer_max", "negative"),
    (CarFilters(text="x" * 101), "text", "limit is 100"),
    (CarFilters(text="swift\x00"), "text", "control characters"),
    (CarFilters(make="M" * 41), "make", "limit is 40"),
    (CarFilters(fuel="steam"), "fuel", "petrol"),
    (CarFilters(transmission="manuel"), "transmission", "manual"),
    (CarFilters(body_type="boat"), "body_type", "sedan"),
    (CarFilters(title_status="stolen"), "title_status", "salvage"),
    (CarFilters(ending_within_hours=0), "ending_within_hours", "between 1 and"),
    (CarFilters(ending_within_hours=10_000), "ending_within_hours", "between 1 and"),
])
def test_bad_filters_are_refused_with_what_to_fix(filters: CarFilters, field: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        filters_checked(filters)
    assert words in refused.value.problems[field]


def test_every_problem_is_reported_at_once_and_good_filters_are_trimmed() -> None:
    with pytest.raises(ValidationFailed) as refused:
        filters_checked(CarFilters(year_min=2022, year_max=2018, price_min=Decimal(-5), fuel="steam"))
    assert set(refused.value.problems) == {"year", "price", "fuel"}
    clean = filters_checked(CarFilters(text="  swift vxi ", make="", city=" Pune ", fuel="diesel",
                                       price_min=Decimal(0), price_max=Decimal(0)))
    assert (clean.text, clean.make, clean.city, clean.fuel) == ("swift vxi", None, "Pune", "diesel")


def test_page_size_is_capped_and_sort_keys_are_checked() -> None:
    assert page_size(24) == 24 and page_size(10_000) == MAX_PAGE_SIZE
    with pytest.raises(ValidationFailed):
        page_size(0)
    assert sort_key("price_low") is SortKey.PRICE_LOW
    with pytest.raises(ValidationFailed) as refused:
        sort_key("price; DROP TABLE cars")
    assert "newest" in refused.value.problems["sort"]


@pytest.mark.parametrize(("text", "tokens"), [
    ("swift vxi diesel", ["swift", "vxi", "diesel"]),
    ('"', []), ("*", []), ("NEAR(", ["near"]), ("OR", ["or"]),
    ("'; DROP TABLE cars; --", ["drop", "table", "cars"]),
    ("make:swift^ -creta*", ["make", "swift", "creta"]),
    ("VXI (O) Über_Auto", ["vxi", "o", "über", "auto"]),
    (None, []), ("   ", []),
])
def test_search_text_becomes_plain_words(text: str | None, tokens: list[str]) -> None:
    assert search_tokens(text) == tokens


def test_each_word_is_one_quoted_fts_string_and_long_queries_are_cut() -> None:
    assert fts5_query(["near", "or", "swift"]) == '"near" "or" "swift"'
    assert len(search_tokens(" ".join(f"w{i}" for i in range(50)))) == MAX_TOKENS
