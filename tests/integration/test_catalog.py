"""Browsing and searching cars on both stores: every filter, every sort paged to the end, free text
(hostile text included), what bidders never see, and who may look at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlmodel import col, func, select

from data import car_search
from data.models import Car, Dealer
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts import dealers
from domain.auctions import service as auctions
from domain.auctions.lifecycle import Phase
from domain.auctions.rules import LotSpec
from domain.errors import Forbidden, NotFound, NotYourStore, ValidationFailed
from domain.inventory import cars
from domain.inventory.catalog import (
    CarFilters,
    SortKey,
    car_browse,
    car_browse_own,
    car_detail,
    cursor_encode,
    makes_and_models,
)
from domain.permissions import Actor
from domain.types import CarStatus, DealerStatus
from tests.support.factories import (
    auction_spec,
    make_admin,
    make_car,
    make_dealer,
    make_user,
    move_auction,
)

# (make, model, variant, year, fuel, transmission, body type, km, title, description)
STOCK = [
    ("Maruti Suzuki", "Swift", "VXI", 2019, "diesel", "manual", "hatchback", 42_000, "clean",
     "Swift VXI diesel, single owner, full service history."),
    ("Maruti Suzuki", "Swift", "ZXI", 2021, "petrol", "amt", "hatchback", 18_000, "clean", "Petrol AMT."),
    ("Maruti Suzuki", "Swift", "VXI", 2017, "petrol", "manual", "hatchback", 90_000, "hypothecated",
     "VXI petrol, loan to be closed at sale."),
    ("Hyundai", "Creta", "SX", 2020, "diesel", "automatic", "suv", 55_000, "clean", "Diesel automatic SUV."),
    ("Hyundai", "Creta", "EX", 2018, "petrol", "manual", "suv", 70_000, "rebuilt", "Rebuilt after a crash."),
    ("Hyundai", "i20", "Asta", 2022, "petrol", "manual", "hatchback", 12_000, "clean", "Like new."),
    ("Tata", "Nexon", "XZ+", 2021, "electric", "automatic", "suv", 30_000, "clean", "EV, home charger."),
    ("Tata", "Nexon", "XM", 2019, "diesel", "manual", "suv", 42_000, "clean", "Diesel, second owner."),
    ("Mahindra", "XUV700", "AX7", 2022, "diesel", "automatic", "suv", 25_000, "clean", "Top variant."),
    ("Honda", "City", "VX", 2016, "petrol", "cvt", "sedan", 120_000, "salvage", "Flood damaged."),
]
PRICES = [Decimal(p) for p in ("450000", "610000", "380000", "1250000", "980000", "720000")]


@dataclass
class Market:
    pune: Actor  # a verified store in Pune with every STOCK car; the first six are listed
    mumbai: Actor  # a verified store in Mumbai with two cars
    hidden: dict[str, int]  # cars bidders must never see: sold, withdrawn, of a suspended store
    sold: int


def stock_fields(row: tuple[object, ...], **overrides: object) -> dict[str, object]:
    make, model, variant, year, fuel, transmission, body, km, title, description = row
    return {"make": make, "model": model, "variant": variant, "year": year, "registration_year": year,
            "fuel": fuel, "transmission": transmission, "body_type": body, "odometer_km": km,
            "title_status": title, "description": description,
            "engine_cc": 0 if fuel == "electric" else 1197} | overrides


def set_status(car_id: int, status: CarStatus) -> None:
    with UnitOfWork() as uow:
        uow.session.execute(update(Car).where(col(Car.id) == car_id).values(status=status))
        uow.commit()


def build_market() -> Market:
    admin = make_admin()
    pune, mumbai, gone = (make_dealer(admin, city=c) for c in ("Pune", "Mumbai", "Pune"))
    ids = [make_car(pune, **stock_fields(row)).id or 0 for row in STOCK]
    _tie_created_at(ids[6:9])  # equal sort values: the id must break the tie
    for row in (STOCK[1], STOCK[3]):
        make_car(mumbai, **stock_fields(row, city="Mumbai"))
    lots = tuple(LotSpec(car_id, price) for car_id, price in zip(ids[:3], PRICES, strict=False))
    later = auctions.auction_create(pune, pune.dealer_id or 0, replace(auction_spec([]), lots=lots))
    auctions.auction_publish(pune, later.id or 0)
    lots = tuple(LotSpec(car_id, price) for car_id, price in zip(ids[3:6], PRICES[3:], strict=True))
    soon = auctions.auction_create(pune, pune.dealer_id or 0, replace(auction_spec([]), lots=lots))
    auctions.auction_publish(pune, soon.id or 0)
    move_auction(soon.id or 0, starts=-timedelta(minutes=5), first_close=timedelta(minutes=30))
    hidden = {"sold": make_car(pune, **stock_fields(STOCK[0])).id or 0,
              "withdrawn": make_car(pune, **stock_fields(STOCK[0])).id or 0,
              "suspended": make_car(gone, **stock_fields(STOCK[0])).id or 0}
    set_status(hidden["sold"], CarStatus.SOLD)
    set_status(hidden["withdrawn"], CarStatus.WITHDRAWN)
    dealers.dealer_review(admin, gone.dealer_id or 0, to=DealerStatus.SUSPENDED, note="Documents expired")
    return Market(pune, mumbai, hidden, hidden["sold"])


def _tie_created_at(car_ids: list[int]) -> None:
    with UnitOfWork() as uow:
        uow.session.execute(update(Car).where(col(Car.id).in_(car_ids)).values(created_at=utcnow()))
        uow.commit()


def visible_cars() -> list[Car]:
    """What bidders may see, computed the plain way: available cars of verified stores."""
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(Car, Dealer).join(Dealer, col(Dealer.id) == Car.dealer_id)).all()
        return [car for car, dealer in rows
                if car.status == CarStatus.AVAILABLE and dealer.status == DealerStatus.VERIFIED]


def browse_all(actor: Actor, filters: CarFilters, sort: SortKey = SortKey.NEWEST, *, limit: int = 2,
               own: int | None = None) -> list[int]:
    """Follow the cursor to the last page; every id in order, repeats included (there must be none)."""
    ids: list[int] = []
    cursor: str | None = None
    for _ in range(100):
        page = (car_browse_own(actor, own, filters, sort, cursor=cursor, limit=limit) if own
                else car_browse(actor, filters, sort, cursor, limit))
        ids += [car.id or 0 for car in page.items]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor
    raise AssertionError("paging never ended")


SORTED: dict[SortKey, tuple[Callable[[Car], object], bool, bool]] = {  # key, descending, listed only
    SortKey.NEWEST: (lambda c: c.created_at, True, False),
    SortKey.ENDING_SOONEST: (lambda c: c.listing_ends_at, False, True),
    SortKey.PRICE_LOW: (lambda c: c.listing_price, False, True),
    SortKey.PRICE_HIGH: (lambda c: c.listing_price, True, True),
    SortKey.YEAR_NEWEST: (lambda c: c.year, True, False),
    SortKey.ODOMETER_LOW: (lambda c: c.odometer_km, False, False),
}


@pytest.mark.parametrize("sort", list(SortKey))
def test_every_sort_pages_through_all_results_without_repeats_or_gaps(store: str, sort: SortKey) -> None:
    build_market()
    key, descending, listed_only = SORTED[sort]
    expected = sorted((c for c in visible_cars() if not listed_only or key(c) is not None),
                      key=lambda c: (key(c), c.id), reverse=descending)
    assert browse_all(make_user(), CarFilters(), sort) == [c.id for c in expected]
    assert len(expected) >= 6


FILTERS: list[tuple[CarFilters, Callable[[Car], bool]]] = [
    (CarFilters(make="Hyundai"), lambda c: c.make == "Hyundai"),
    (CarFilters(make="Maruti Suzuki", model="Swift"), lambda c: c.model == "Swift"),
    (CarFilters(year_min=2019, year_max=2021), lambda c: 2019 <= c.year <= 2021),
    (CarFilters(year_min=2021), lambda c: c.year >= 2021),
    (CarFilters(price_min=Decimal(450_000), price_max=Decimal(980_000)),
     lambda c: c.listing_price is not None and 450_000 <= c.listing_price <= 980_000),
    (CarFilters(price_max=Decimal(500_000)),
     lambda c: c.listing_price is not None and c.listing_price <= 500_000),
    (CarFilters(fuel="diesel"), lambda c: c.fuel == "diesel"),
    (CarFilters(transmission="automatic"), lambda c: c.transmission == "automatic"),
    (CarFilters(body_type="suv", fuel="diesel"), lambda c: c.body_type == "suv" and c.fuel == "diesel"),
    (CarFilters(city="Mumbai"), lambda c: c.city == "Mumbai"),
    (CarFilters(odometer_max=30_000), lambda c: c.odometer_km <= 30_000),
    (CarFilters(title_status="rebuilt"), lambda c: c.title_status == "rebuilt"),
    (CarFilters(ending_within_hours=1), lambda c: c.listing_ends_at is not None
     and c.listing_ends_at <= utcnow() + timedelta(hours=1)),
    (CarFilters(text="  ", make=" "), lambda c: True),  # blank text is "any"
]


def test_each_filter_returns_exactly_the_matching_cars(store: str) -> None:
    build_market()
    bidder, cars_now = make_user(), visible_cars()
    for filters, matches in FILTERS:
        expected = {c.id for c in cars_now if matches(c)}
        assert set(browse_all(bidder, filters, limit=100)) == expected, filters
        assert expected or filters.title_status, f"{filters} should match something in the market"


def test_free_text_matches_every_word_in_make_model_variant_or_description(store: str) -> None:
    market = build_market()
    bidder = make_user()
    hits = browse_all(bidder, CarFilters(text="swift vxi diesel"), limit=100)
    assert [car_detail(bidder, i).car.description for i in hits] == [STOCK[0][9]]
    assert len(browse_all(bidder, CarFilters(text="SWIFT"), limit=100)) == 4  # case does not matter
    assert len(browse_all(bidder, CarFilters(text="nexon diesel"), limit=100)) == 1
    assert browse_all(bidder, CarFilters(text="swift creta"), limit=100) == []
    own = browse_all(market.pune, CarFilters(text="swift"), own=market.pune.dealer_id, limit=100)
    assert len(own) == 4  # the sold one is the dealer's too; the withdrawn one is gone


@pytest.mark.parametrize(("few", "common"), [(1, 0.0), (1, 1.1)])  # probe each row; list all matches
def test_every_sqlite_search_plan_finds_the_same_cars(sqlite_store: str, monkeypatch: pytest.MonkeyPatch,
                                                      few: int, common: float) -> None:
    build_market()
    bidder = make_user()
    expected = {sort: browse_all(bidder, CarFilters(text="swift"), sort) for sort in SortKey}
    monkeypatch.setattr(car_search, "FTS_FEW", few)  # beyond `few` matches SQLite walks the sort index
    monkeypatch.setattr(car_search, "FTS_COMMON", common)
    assert {sort: browse_all(bidder, CarFilters(text="swift"), sort) for sort in SortKey} == expected
    assert len(expected[SortKey.NEWEST]) == 4


@pytest.mark.parametrize("text", ['"', "*", "OR", "NEAR(", "'; DROP TABLE cars; --", "swift OR creta",
                                  "make:swift", "-swift", "swift*", "^swift", "(", '"swift', "AND NOT",
                                  "NEAR(swift vxi, 2)", "über", "१२३", "\\", "%", "_"])
def test_hostile_text_finds_cars_or_nothing_and_never_fails(store: str, text: str) -> None:
    make_car(make_dealer(), **stock_fields(STOCK[0]))
    found = car_browse(make_user(), CarFilters(text=text), SortKey.NEWEST)
    assert len(found.items) <= 1
    with UnitOfWork(write=False) as uow:
        assert uow.session.exec(select(func.count()).select_from(Car)).one() == 1


def test_unavailable_cars_are_never_listed_or_shown(store: str) -> None:
    market = build_market()
    bidder, hidden = make_user(), set(market.hidden.values())
    for sort in SortKey:
        assert not hidden & set(browse_all(bidder, CarFilters(), sort, limit=100))
    assert not hidden & set(browse_all(bidder, CarFilters(text="swift vxi diesel"), limit=100))
    for car_id in (market.hidden["withdrawn"], market.hidden["suspended"]):
        with pytest.raises(NotFound):
            car_detail(bidder, car_id)
        assert car_detail(make_admin(), car_id).car.id == car_id  # admins see everything
    assert car_detail(bidder, market.sold).car.status == CarStatus.SOLD  # a sale stays on record
    withdrawn = market.hidden["withdrawn"]
    assert car_detail(market.pune, withdrawn).car.id == withdrawn  # and owners their own
    assert "Swift" in makes_and_models()["Maruti Suzuki"]


def test_a_dealer_browses_own_cars_only(store: str) -> None:
    market = build_market()
    own = browse_all(market.pune, CarFilters(), own=market.pune.dealer_id)
    assert market.sold in own and market.hidden["withdrawn"] not in own and len(own) == len(STOCK) + 1
    with pytest.raises(NotYourStore):
        car_browse_own(market.mumbai, market.pune.dealer_id or 0, CarFilters(), SortKey.NEWEST)
    assert browse_all(make_admin(), CarFilters(), own=market.mumbai.dealer_id, limit=100)


def test_car_detail_shows_the_lot_without_the_reserve_amount(store: str) -> None:
    dealer, bidder = make_dealer(), make_user()
    car = make_car(dealer, **stock_fields(STOCK[3]))
    auction = auctions.auction_create(dealer, dealer.dealer_id or 0, auction_spec([car.id or 0]))
    auctions.auction_publish(dealer, auction.id or 0)
    move_auction(auction.id or 0, starts=-timedelta(minutes=1), first_close=timedelta(hours=1))
    cars.car_update(dealer, car.id or 0, {"description": "New tyres fitted."})
    detail = car_detail(bidder, car.id or 0)
    assert detail.auction is not None and detail.auction.phase == Phase.LIVE
    assert detail.lot is not None and detail.lot.has_reserve and not detail.lot.reserve_met
    assert (detail.lot.starting_price, detail.lot.buy_now_price) == (Decimal(300_000), Decimal(600_000))
    assert "reserve_price" not in detail.lot.__dataclass_fields__
    assert [u.fields for u in detail.updates] == [["description"]]
    assert (detail.store_name, detail.store_city) == ("Dev Motors", "Pune")
    plain = car_detail(bidder, make_car(dealer).id or 0)
    assert plain.lot is None and plain.auction is None and plain.updates == []


BAD_CURSORS = ["not-a-cursor", "", "e30", "eyJzIjoibmV3ZXN0IiwidiI6MSwiaSI6MX0", "%%%", "x" * 5000,
               "eyJzIjoibmV3ZXN0IiwidiI6IjIwMjYtMDEtMDFUMDA6MDA6MDArMDA6MDAiLCJpIjoiMSJ9"]


def test_bad_cursors_and_visitors_are_refused(store: str) -> None:
    bidder = make_user()
    make_car(make_dealer())
    for cursor in BAD_CURSORS:
        with pytest.raises(ValidationFailed) as refused:
            car_browse(bidder, CarFilters(), SortKey.NEWEST, cursor or "=")
        assert "cursor" in refused.value.problems
    other_sort = cursor_encode(SortKey.YEAR_NEWEST, Car(id=1, year=2020))
    with pytest.raises(ValidationFailed):
        car_browse(bidder, CarFilters(), SortKey.NEWEST, other_sort)
    with pytest.raises(Forbidden):
        car_browse(None, CarFilters(), SortKey.NEWEST)
    with pytest.raises(Forbidden):
        car_detail(None, 1)
    with pytest.raises(NotFound):
        car_detail(bidder, 999_999)
