"""Browsing on PostgreSQL is planned for the values it carries, however often a connection runs it.

psycopg prepares a statement from its sixth run on a connection, and PostgreSQL then may switch it
to a generic plan, blind to the values: at 1M cars "Maruti Suzuki 2018-2022, ending soonest" took
160-800 ms that way instead of 1-5 ms. Forcing generic plans on the connection makes that switch
certain on a small store, so this test catches a browse statement that gets prepared again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from data.db import get_engine
from domain.inventory.catalog import CarFilters, SortKey, car_browse, car_browse_own
from tests.support.factories import make_admin, make_auction, make_car, make_dealer, make_user, move_auction

RUNS = 12  # well past psycopg's prepare_threshold (5)
SHAPES = [(CarFilters(make="Maruti Suzuki", year_min=2018, year_max=2022), SortKey.ENDING_SOONEST),
          (CarFilters(city="Pune", price_min=Decimal(300_000), price_max=Decimal(800_000)), SortKey.NEWEST),
          (CarFilters(text="swift diesel"), SortKey.PRICE_LOW), (CarFilters(), SortKey.YEAR_NEWEST)]


def cars_statements_prepared() -> list[tuple[int, int, str]]:
    with get_engine().connect() as conn:
        rows = conn.execute(text("SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements "
                                 "WHERE statement LIKE '%FROM cars%'")).all()
        return [(int(generic), int(custom), str(statement)) for generic, custom, statement in rows]


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_browsing_is_never_run_on_a_generic_plan(store: str) -> None:
    dealer = make_dealer(make_admin(), city="Pune")
    for year in (2017, 2019, 2021):
        make_car(dealer, year=year, registration_year=year, fuel="diesel")
    auction = make_auction(dealer, 2)
    move_auction(auction.id or 0, starts=-timedelta(minutes=5), first_close=timedelta(minutes=30))
    bidder = make_user()
    with get_engine().connect() as conn:  # session-wide, on the pool's one connection
        conn.execute(text("SET plan_cache_mode = force_generic_plan"))
        conn.commit()
    try:
        for filters, sort in SHAPES:
            pages = [car_browse(bidder, filters, sort) for _ in range(RUNS)]
            assert all(page == pages[0] for page in pages)
            for _ in range(RUNS):
                car_browse_own(dealer, dealer.dealer_id or 0, filters, sort)
        assert get_engine().pool.checkedin() == 1  # type: ignore[attr-defined]  # all on one connection
        assert cars_statements_prepared() == []
    finally:
        with get_engine().connect() as conn:
            conn.execute(text("RESET plan_cache_mode"))
            conn.commit()
