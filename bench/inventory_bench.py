"""Inventory benchmark (NFR3, NFR6): car browsing over a large stock, and the 10,000-row workbook import,
on SQLite and PostgreSQL. Prints figures; the last line is what the issue tracks:

    RESULT import_10k_max_s=<slower store> search_p95_ms=<slower store's worst shape p95>

    python -m bench.inventory_bench            # 1,000,000 cars, 10,000 live auctions, 50 runs a shape
    python -m bench.inventory_bench --smoke    # 2,000 cars in seconds: CI runs it so it never rots

SQLite is a temporary file; PostgreSQL a scratch database made on the server named by DATABASE_URL
(default postgresql://postgres@127.0.0.1:5432/postgres) and dropped at the end. Both are migrated with
Alembic, bulk-loaded (COPY; executemany in one transaction), then analysed, as an operator would.
Searches run through the app's own engine, past psycopg's prepare threshold; on PostgreSQL each line
also shows what the statement would cost on a generic plan. The workbook is imported into the loaded
store, as users import into a full one.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

from data.db import use_database
from data.scratch import scratch_postgres

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
# Past psycopg's prepare_threshold (5): a statement the app lets psycopg prepare may switch to a generic
# plan from then on, and the timed runs must be what a long-lived connection serves, not the first five.
WARM_UP = 6
BATCH = 50_000  # rows per executemany call on SQLite (all inside one transaction)
CARS_PER_DEALER = 2_000
WAIT_FOR_READER_S = 600.0
NOW = datetime.now(UTC)
CAR_COLUMNS = ("id", "dealer_id", "vin", "make", "model", "variant", "year", "body_type", "fuel",
               "transmission", "engine_cc", "odometer_km", "registration_year", "owners", "colour", "city",
               "title_status", "damage", "condition_grade", "description", "photos", "status",
               "listing_lot_id", "listing_price", "listing_ends_at", "created_at", "updated_at")
LOT_COLUMNS = ("id", "auction_id", "car_id", "lot_number", "starting_price", "reserve_price",
               "current_price", "bid_count", "bidder_count", "ends_at", "extended", "version")
AUCTION_COLUMNS = ("id", "dealer_id", "title", "description", "status", "starts_at", "ends_at",
                   "soft_close_window_s", "soft_close_extension_s", "created_at", "updated_at")
PHRASES = ("full service history", "single key, spare lost", "new tyres", "insurance valid",
           "non-accidental", "minor scratches", "company maintained", "second owner")
TITLES, TITLE_WEIGHTS = ("clean", "hypothecated", "rebuilt", "salvage"), (80, 14, 4, 2)
Stamp = Callable[[datetime], Any]


# --- the stock: dealers, cars, live auctions -----------------------------------


@dataclass
class Plan:
    """Who owns which car, and which cars are lots (and so listed) in the live auctions."""

    cars: int
    dealers: int
    owner: list[int] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    # car id: (lot id, auction id, lot number, end); auctions: (id, dealer, start, end)
    lots: dict[int, tuple[int, int, int, datetime]] = field(default_factory=dict)
    auctions: list[tuple[int, int, datetime, datetime]] = field(default_factory=list)
    prices: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # car: start, current, bids

    def verified(self, dealer: int) -> bool:
        return dealer % 20 != 0  # every twentieth store is still pending: its cars must not show

    def city(self, dealer: int) -> str:
        from demo.catalog import CITIES

        return CITIES[dealer % len(CITIES)].name


def make_plan(rng: random.Random, cars: int, auctions: int) -> Plan:
    plan = Plan(cars, max(2, cars // CARS_PER_DEALER))
    plan.owner = [rng.randint(1, plan.dealers) for _ in range(cars)]
    plan.status = [rng.choices(("available", "sold", "withdrawn"), (90, 7, 3))[0] for _ in range(cars)]
    free: dict[int, list[int]] = {}
    for car_id, (dealer, status) in enumerate(zip(plan.owner, plan.status, strict=True), start=1):
        if status == "available" and plan.verified(dealer):
            free.setdefault(dealer, []).append(car_id)
    stores = sorted(free)
    for auction_id in range(1, auctions + 1):
        dealer = stores[auction_id % len(stores)]
        _plan_auction(rng, plan, auction_id, dealer, free[dealer])
    return plan


def _plan_auction(rng: random.Random, plan: Plan, auction_id: int, dealer: int, free: list[int]) -> None:
    start = NOW - timedelta(hours=rng.uniform(1, 48))
    first_end = NOW + timedelta(minutes=rng.uniform(5, 7 * 24 * 60))
    count = min(len(free), rng.randint(3, 7))
    for number in range(1, count + 1):
        ends = first_end + timedelta(minutes=number)
        plan.lots[free.pop()] = (len(plan.lots) + 1, auction_id, number, ends)
    plan.auctions.append((auction_id, dealer, start, first_end + timedelta(minutes=count)))


def car_rows(rng: random.Random, plan: Plan, stamp: Stamp) -> Iterator[tuple[Any, ...]]:
    from demo.catalog import COLOURS, MODELS, used_price_inr

    for car_id in range(1, plan.cars + 1):
        model = rng.choice(MODELS)
        year = rng.randint(max(model.years[0], 2008), min(model.years[1], 2026))
        fuel = str(rng.choice(model.fuels))
        fuel = "diesel" if fuel == "petrol" and year <= 2020 and rng.random() < 0.3 else fuel
        variant, km, grade = rng.choice(model.variants), rng.randint(2, 160) * 1000, rng.randint(1, 5)
        created = NOW - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        lot = plan.lots.get(car_id)
        listing: tuple[Any, Any, Any] = (None, None, None)
        if lot:
            start = used_price_inr(model, year, km, grade, rng) * 8 // 10
            bids = rng.randint(0, 12)
            plan.prices[car_id] = (start, start + bids * 5_000, bids)
            listing = (lot[0], (start + bids * 5_000) * 100, stamp(lot[3]))
        description = (f"{rng.choice(('First', 'Second', 'Third'))}-owner {year} {model.make} {model.model} "
                       f"{variant}, {fuel}, {km} km, {rng.choice(PHRASES)}.")
        yield (car_id, plan.owner[car_id - 1], f"BNCH{car_id:013d}", model.make, model.model, variant, year,
               str(model.body_type), fuel, str(rng.choice(model.transmissions)), model.engine_cc, km, year,
               rng.randint(1, 3), rng.choice(COLOURS).name, plan.city(plan.owner[car_id - 1]),
               rng.choices(TITLES, TITLE_WEIGHTS)[0], "none", grade, description, "[]",
               plan.status[car_id - 1], *listing,
               stamp(created), stamp(created))


def people_rows(plan: Plan, stamp: Stamp) -> dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    now = stamp(NOW)
    users = [(d, f"dealer{d}@bench.test", f"Bench Dealer {d}", "Asia/Kolkata", "!", "active", now, now, now)
             for d in range(1, plan.dealers + 1)]
    dealers = [(d, d, f"Bench Motors {d}", f"{d} Main Road", plan.city(d), "411001",
                "verified" if plan.verified(d) else "pending", now, now)
               for d in range(1, plan.dealers + 1)]
    return {"users": (("id", "email", "name", "timezone", "password_hash", "status", "created_at",
                       "updated_at", "password_changed_at"), users),
            "dealers": (("id", "user_id", "store_name", "address", "city", "postal_code", "status",
                         "created_at", "updated_at"), dealers)}


def auction_rows(plan: Plan, stamp: Stamp) -> list[tuple[Any, ...]]:
    return [(a, dealer, f"Live sale {a}", "", "scheduled", stamp(start), stamp(end), 120, 120,
             stamp(start), stamp(start)) for a, dealer, start, end in plan.auctions]


def lot_rows(plan: Plan, stamp: Stamp) -> Iterator[tuple[Any, ...]]:
    for car_id, (lot_id, auction_id, number, ends) in plan.lots.items():
        start, current, bids = plan.prices[car_id]
        reserve = current * 110  # in paise: 10% over the price, so most lots show "reserve not met"
        yield (lot_id, auction_id, car_id, number, start * 100, reserve, current * 100 if bids else None,
               bids, min(bids, 4), stamp(ends), False, 0)


# --- bulk loading, per store -----------------------------------------------------


def sqlite_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite text form


def copy_rows(engine: Engine, table: str, columns: Iterable[str], rows: Iterable[tuple[Any, ...]]) -> None:
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            with raw.driver_connection.cursor() as cur, cur.copy(  # type: ignore[union-attr]
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            _sqlite_batches(raw.driver_connection, table, tuple(columns), iter(rows))
        raw.commit()
    finally:
        raw.close()


def _sqlite_batches(conn: Any, table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    conn.execute("BEGIN")
    while batch := list(islice(rows, BATCH)):
        conn.executemany(sql, batch)
    conn.execute("COMMIT")


@contextmanager
def fts_triggers_off(engine: Engine, fts: str) -> Iterator[None]:
    """With `fts=rebuild`, SQLite's search triggers are set aside during the load and the FTS5 index is
    built once afterwards, from the triggers' own stored SQL (nothing is restated here)."""
    if engine.dialect.name != "sqlite" or fts != "rebuild":
        yield
        return
    with engine.begin() as conn:
        sql = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                "AND tbl_name = 'cars' AND name LIKE 'cars_fts%'")).all()
        for name, _ in sql:
            conn.execute(text(f"DROP TRIGGER {name}"))
    yield
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO cars_fts(cars_fts) VALUES ('rebuild')"))
        for _, statement in sql:
            conn.execute(text(statement))


def load(engine: Engine, plan: Plan, fts: str) -> dict[str, float]:
    stamp: Stamp = sqlite_stamp if engine.dialect.name == "sqlite" else (lambda moment: moment)
    seconds: dict[str, float] = {}
    for table, (columns, rows) in people_rows(plan, stamp).items():
        copy_rows(engine, table, columns, rows)
    started = time.perf_counter()
    with fts_triggers_off(engine, fts):
        copy_rows(engine, "cars", CAR_COLUMNS, car_rows(random.Random(2), plan, stamp))
    seconds["cars"] = time.perf_counter() - started
    copy_rows(engine, "auctions", AUCTION_COLUMNS, auction_rows(plan, stamp))
    copy_rows(engine, "lots", LOT_COLUMNS, lot_rows(plan, stamp))
    started = time.perf_counter()
    analyse(engine)
    seconds["analyse"] = time.perf_counter() - started
    return seconds


def analyse(engine: Engine) -> None:
    """Statistics for the planner; on PostgreSQL also the sequences past the copied ids, and VACUUM,
    which folds the GIN index's pending list into the index (a fresh bulk load leaves one)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("ANALYZE"))
            return
        for table in ("users", "dealers", "cars", "auctions", "lots"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
        conn.execute(text("VACUUM ANALYZE"))


# --- measuring -------------------------------------------------------------------


def shapes(plan: Plan) -> dict[str, Callable[[], Any]]:
    from domain.inventory.catalog import CarFilters, SortKey, car_browse, car_browse_own
    from domain.permissions import Actor
    from domain.types import Role

    bidder = Actor(id=1, email="b@bench.test", name="Bench Bidder", roles=frozenset({Role.BIDDER}))
    dealer = Actor(id=1, email="dealer1@bench.test", name="Bench Dealer 1", dealer_id=1,
                   roles=frozenset({Role.BIDDER, Role.DEALER}), dealer_verified=True)
    broad = CarFilters()
    cursor = None
    for _ in range(49):  # page 50: the cursor after 49 pages of the broadest list
        cursor = car_browse(bidder, broad, SortKey.NEWEST, cursor).next_cursor
    city = CarFilters(city=plan.city(1), price_min=Decimal(300_000), price_max=Decimal(800_000))
    return {
        "make_year_ending": lambda: car_browse(
            bidder, CarFilters(make="Maruti Suzuki", year_min=2018, year_max=2022), SortKey.ENDING_SOONEST),
        "text_swift_vxi_diesel": lambda: car_browse(bidder, CarFilters(text="swift vxi diesel"),
                                                    SortKey.NEWEST),
        "price_city": lambda: car_browse(bidder, city, SortKey.NEWEST),
        "body_fuel_trans_by_price": lambda: car_browse(
            bidder, CarFilters(body_type="suv", fuel="diesel", transmission="manual"), SortKey.PRICE_LOW),
        "dealer_own_cars": lambda: car_browse_own(dealer, 1, broad, SortKey.NEWEST),
        "page_50_broad": lambda: car_browse(bidder, broad, SortKey.NEWEST, cursor),
    }


def percentiles(run: Callable[[], Any], runs: int) -> tuple[float, float, int]:
    for _ in range(WARM_UP):
        rows = len(run().items)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], rows


@contextmanager
def last_cars_query(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statement and parameters the app sent, exactly as the driver got them, for EXPLAIN."""
    seen: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "FROM cars" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", grab)


def explain(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The plan the app's statement gets: on PostgreSQL it is never prepared, so planned for its values."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return [str(row[3]) for row in cursor.fetchall()]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters)
        return [str(row[0]) for row in cursor.fetchall()]
    finally:
        raw.rollback()
        raw.close()


def statement_p50s(engine: Engine, statement: str, parameters: Any, runs: int) -> tuple[float, float] | None:
    """PostgreSQL only: the bare statement's p50 planned for its values (as the app runs it) and on a
    generic plan (as psycopg's prepared statement would soon run it; data/car_search.py says why the
    app does not let it)."""
    if engine.dialect.name != "postgresql":
        return None
    raw = engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
        custom = _p50(partial(_fetch, cursor, statement, parameters, False), max(5, runs // 5))
        # the setting reaches psycopg's unnamed statements too, so it comes after the custom runs
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        return custom, _p50(partial(_fetch, cursor, statement, parameters, True), max(5, runs // 5))
    finally:
        raw.rollback()
        raw.close()


def _fetch(cursor: Any, statement: str, parameters: Any, prepare: bool) -> None:
    cursor.execute(statement, parameters, prepare=prepare)
    cursor.fetchall()


def _p50(run: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[len(times) // 2]


def measure(plan: Plan, runs: int) -> dict[str, float]:
    """Each shape through the app's own engine and driver settings (one pooled connection, so past
    psycopg's prepare threshold), then its plan as the app's statement gets it."""
    from data.db import get_engine

    engine, p95s = get_engine(), {}
    for name, run in shapes(plan).items():
        with last_cars_query(engine) as seen:
            run()
        p50, p95, rows = percentiles(run, runs)
        p95s[name] = p95
        bare = statement_p50s(engine, *seen[-1], runs)
        shown = f"  statement p50 {bare[0]:.2f} ms, on a generic plan {bare[1]:.2f} ms" if bare else ""
        print(f"  {name:26} p50={p50:8.2f} ms  p95={p95:8.2f} ms  rows={rows}{shown}")
        for line in explain(engine, *seen[-1]):
            print(f"      | {line}")
    return p95s


# --- the workbook import -------------------------------------------------------------


def workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    from demo.catalog import CITIES, MODELS
    from domain.inventory.rules import CAR_FIELDS
    from domain.inventory.vin import make_vin

    rng, book = random.Random(9), Workbook(write_only=True)
    sheet, vins = book.create_sheet("Cars"), set[str]()
    sheet.append([car_field.label for car_field in CAR_FIELDS])
    while len(vins) < rows:
        model = rng.choice(MODELS)
        year = rng.randint(*model.years)
        vin = make_vin(rng, model.wmi, year=year)
        if vin in vins:
            continue
        vins.add(vin)
        sheet.append([vin, model.make, model.model, rng.choice(model.variants), year, model.body_type,
                      rng.choice(model.fuels), rng.choice(model.transmissions), model.engine_cc,
                      rng.randint(1, 150) * 1000, year, 1, "White", rng.choice(CITIES).name, "clean",
                      "none", 4, "Imported in the benchmark."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def time_import(rows: int) -> float:
    """Preview and import of one workbook by a verified dealer, timed end to end (NFR4)."""
    from data import excel_cars
    from domain.inventory.bulk_upload import upload_import, upload_preview  # written alongside; imported late
    from domain.permissions import Actor
    from domain.types import Role

    dealer = Actor(id=1, email="dealer1@bench.test", name="Bench Dealer 1", dealer_id=1,
                   roles=frozenset({Role.BIDDER, Role.DEALER}), dealer_verified=True)
    data = workbook(rows)
    # On a machine loaded far past its cores the reader's 40 s wall limit fires before its ~3 s of CPU
    # are served; the bench measures, so it waits (the CPU figures are the ones to compare then).
    limits = excel_cars.READ_LIMITS
    excel_cars.READ_LIMITS = replace(limits, wall_seconds=max(limits.wall_seconds, WAIT_FOR_READER_S))
    started, cpu, child = time.perf_counter(), time.process_time(), children_cpu()
    report = upload_preview(dealer, 1, data)
    previewed, preview_cpu = time.perf_counter(), time.process_time() - cpu
    reader_cpu = children_cpu() - child  # the sandboxed workbook reader is a child process
    added = upload_import(dealer, 1, report)
    done, import_cpu = time.perf_counter(), time.process_time() - cpu - preview_cpu
    # the CPU too: on a shared machine wall time also counts the wait for a core
    print(f"  import {added} rows ({len(data) / 1e6:.1f} MB) into the loaded store: preview "
          f"{previewed - started:.1f} s (cpu {preview_cpu:.1f} + reader child {reader_cpu:.1f}), import "
          f"{done - previewed:.1f} s (cpu {import_cpu:.1f}), total {done - started:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f}")
    return done - started


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


# --- stores and the run --------------------------------------------------------------


@contextmanager
def scratch_store(kind: str, folder: Path, server: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    # the scratch database cannot be dropped while the app's pool holds it
    with scratch_postgres(server, prefix="bench", before_drop=lambda: use_database(None)) as url:
        yield url


def run_store(kind: str, url: str, args: argparse.Namespace) -> tuple[float, float]:
    from data.db import make_engine
    from data.migrate import upgrade_to_head

    engine = make_engine(url)
    upgrade_to_head(engine)
    started = time.perf_counter()
    plan = make_plan(random.Random(1), args.cars, args.auctions)
    if kind in args.loaded:
        print(f"{kind}: the store an earlier run loaded with these sizes ({args.cars:,} cars)")
    else:
        seconds = load(engine, plan, args.fts)
        print(f"{kind}: {args.cars:,} cars, {len(plan.lots):,} listed in {len(plan.auctions):,} live "
              f"auctions, {plan.dealers} stores; loaded in {time.perf_counter() - started:.0f} s "
              f"(cars {seconds['cars']:.0f} s, analyse {seconds['analyse']:.0f} s)")
    engine.dispose()
    use_database(url)
    p95s = measure(plan, args.runs)
    imported = time_import(args.import_rows)
    return imported, max(p95s.values())


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a tiny size, for CI")
    parser.add_argument("--cars", type=int, default=1_000_000)
    parser.add_argument("--auctions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50, help="timed runs of each shape, after warm-up")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--fts", choices=("rebuild", "trigger"), default="rebuild",
                        help="SQLite: rebuild the FTS5 index after the load, or let the triggers feed it")
    parser.add_argument("--loaded", action="append", default=[], metavar="KIND=URL",
                        help="measure a store loaded earlier with the same sizes (loading 1M cars takes "
                             "minutes), e.g. sqlite=sqlite:////tmp/cars.db")
    args = parser.parse_args(argv)
    args.loaded = dict(item.split("=", 1) for item in args.loaded)
    if args.smoke:
        args.cars, args.auctions, args.runs, args.import_rows = 2_000, 20, 5, 200
    return args


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="inventory-bench-") as folder:
        os.environ.update({"DATA_DIR": folder, "DEMO_MODE": "true"})
        for kind in args.stores.split(","):
            if kind in args.loaded:  # its imported cars stay: reload it before measuring it again
                results[kind] = run_store(kind, args.loaded[kind], args)
                continue
            with scratch_store(kind, Path(folder), server) as url:
                results[kind] = run_store(kind, url, args)
    print(f"RESULT import_10k_max_s={max(r[0] for r in results.values()):.1f} "
          f"search_p95_ms={max(r[1] for r in results.values()):.1f}")


if __name__ == "__main__":
    main()
