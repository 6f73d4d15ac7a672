"""Free text finds what the search box suggests, on both stores: a car's fuel, transmission, body type
and city as well as its make, model and variant, whatever its description says; after an edit; and
for cars listed before migration 0006, whose search text the migration rebuilds."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlmodel import select

from data.db import make_engine, use_database
from data.migrate import alembic_config, upgrade_to_head
from data.models import Car, ChangeLog
from data.uow import UnitOfWork
from domain.inventory.cars import car_update, cars_import
from domain.inventory.catalog import CarFilters, car_browse
from domain.permissions import Actor
from domain.types import Role
from tests.support import stores
from tests.support.factories import car_fields, make_admin, make_dealer
from tests.support.factories import make_car as listed

BLANK = {"description": "Well kept."}  # nothing searched for is in the description
BIDDER = Actor(id=1, email="b@example.com", name="Bidder", roles=frozenset({Role.BIDDER}))
QUERIES = {"swift vxi diesel": {"swift_diesel"}, "creta diesel": {"creta_diesel"},
           "diesel": {"swift_diesel", "creta_diesel"}, "pune": {"swift_diesel", "swift_petrol"}}


def found(query: str) -> set[int]:
    return {car.id or 0 for car in car_browse(BIDDER, CarFilters(text=query), limit=100).items}


def test_the_search_box_examples_find_fuel_transmission_body_and_city(store: str) -> None:
    admin = make_admin()
    pune, delhi = make_dealer(admin, city="Pune"), make_dealer(admin, city="Delhi")
    ids = {"swift_diesel": listed(pune, fuel="diesel", city="Pune", **BLANK).id or 0,
           "swift_petrol": listed(pune, fuel="petrol", transmission="amt", city="Pune", **BLANK).id or 0,
           "creta_diesel": listed(delhi, make="Hyundai", model="Creta", variant="SX", fuel="diesel",
                                  transmission="automatic", body_type="suv", city="Delhi", **BLANK).id or 0}
    for query, names in QUERIES.items():
        assert found(query) == {ids[name] for name in names}, query
    assert found("creta automatic suv delhi") == {ids["creta_diesel"]}
    assert found("amt hatchback") == {ids["swift_petrol"]}
    assert found("creta pune") == set()  # every word must match
    car_update(pune, ids["swift_petrol"], {"fuel": "cng", "city": "Mumbai"})  # the edit is searched
    assert found("cng mumbai") == {ids["swift_petrol"]}
    assert found("pune") == {ids["swift_diesel"]}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migration_rebuilds_the_search_text_of_cars_already_listed(kind: str, tmp_path: Path) -> None:
    with stores.fresh_url(kind, tmp_path) as url:  # migrated below to the revision before the search
        engine = make_engine(url)
        try:
            command.upgrade(alembic_config(engine), "0004")
            with engine.begin() as conn:
                _old_rows(conn)
            upgrade_to_head(engine)
        finally:
            engine.dispose()
        use_database(url)
        try:
            assert {query: found(query) for query in QUERIES} == {
                "swift vxi diesel": {1}, "creta diesel": {2}, "diesel": {1, 2}, "pune": {1}}
        finally:
            use_database(None)


def _old_rows(conn: Connection) -> None:
    """A verified Pune store with a Swift VXI diesel, a Delhi one with a Creta diesel (raw SQL: the
    models describe the newest schema, not revision 0004's)."""
    execute = conn.execute
    now = "2026-01-01 00:00:00"
    for n, city in ((1, "Pune"), (2, "Delhi")):
        execute(text("INSERT INTO users (id, email, name, timezone, password_hash, status, created_at, "
                     "updated_at, password_changed_at) VALUES (:n, :email, 'Old', 'Asia/Kolkata', '!', "
                     "'active', :now, :now, :now)"), {"n": n, "email": f"old{n}@example.com", "now": now})
        execute(text("INSERT INTO dealers (id, user_id, store_name, address, city, postal_code, status, "
                     "seller_fee_pct, created_at, updated_at) VALUES (:n, :n, :store, '1 Road', :city, "
                     "'411001', 'verified', 0, :now, :now)"), {"n": n, "store": f"Old {n}", "city": city,
                                                               "now": now})
    for n, (make, model, variant, city) in enumerate((("Maruti Suzuki", "Swift", "VXI", "Pune"),
                                                       ("Hyundai", "Creta", "SX", "Delhi")), start=1):
        execute(text("INSERT INTO cars (id, dealer_id, vin, make, model, variant, year, body_type, fuel, "
                     "transmission, engine_cc, odometer_km, owners, colour, city, title_status, damage, "
                     "condition_grade, description, photos, status, created_at, updated_at) VALUES "
                     "(:n, :n, :vin, :make, :model, :variant, 2019, 'hatchback', 'diesel', 'manual', 1197, "
                     "40000, 1, 'Red', :city, 'clean', 'none', 4, 'Well kept.', '[]', 'available', :now, "
                     ":now)"), {"n": n, "vin": f"OLD{n:014d}", "make": make, "model": model,
                                "variant": variant, "city": city, "now": now})


def test_imported_cars_are_searchable_and_logged_under_their_own_ids(store: str) -> None:
    dealer = make_dealer(make_admin(), city="Pune")
    records = [car_fields(fuel=("diesel", "cng")[n % 2], description="Imported.") for n in range(30)]
    assert cars_import(dealer, dealer.dealer_id or 0, records) == 30
    with UnitOfWork(write=False) as uow:
        by_vin = dict(uow.session.exec(select(Car.vin, Car.id)).all())
        logged = set(uow.session.exec(select(ChangeLog.entity_id).where(ChangeLog.entity == "cars")).all())
    assert logged == set(by_vin.values())
    assert found("cng pune") == {by_vin[str(r["vin"])] for r in records if r["fuel"] == "cng"}
