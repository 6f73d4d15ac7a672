"""Analytics benchmark: the dashboards on the DuckDB copy against the same SQL on PostgreSQL, and how
long a new bid takes to reach the copy.

    python -m bench.analytics_bench [--bids 1000000] [--smoke] [--database URL --data-dir DIR]

Makes a scratch database on the server named by DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), fills it with `demo.generate` (10 bids per lot, 500
lots per dealer), builds the copy, loads it into a fresh process's memory (its time and resident
memory are printed), then times the dealer dashboard (all its queries, for the biggest dealer) and
the admin dashboard, median of five warm runs each, on DuckDB (this process's in-memory copy) and on
PostgreSQL (the same query files, with the copy's two dealer views created as plain views), each
ending in the DataFrame a dashboard gets. Then the
freshness lag: a burst of bids through the real service while a refresher runs, until the last one
is visible to a reader. `--database` and `--data-dir` reuse a generated store and a copy across runs
(neither is dropped; the store is generated only when empty, the copy refreshed, not rebuilt).
Last line:
    RESULT bids=<N> dealer_ms=<> admin_ms=<> admin_speedup=<PG/DuckDB> dealer_speedup=<PG/DuckDB> lag_s=<>

    python -m bench.analytics_bench --sqlite-rebuild [--bids 1000000] [--sqlite PATH] [--smoke]

rebuilds the copy from an embedded (SQLite) store of that size, generated the same way (in a temporary
folder, or in PATH, kept and reused), in a fresh process, and prints its time and peak resident memory:
    RESULT bids=<N> rebuild_s=<> rebuild_peak_mb=<>
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import psycopg
from sqlalchemy import text

from data.scratch import scratch_postgres

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
Query = tuple[str, dict[str, Any]]


def scratch_database() -> AbstractContextManager[str]:
    return scratch_postgres(os.environ.get("DATABASE_URL", DEFAULT_SERVER), prefix="bench_analytics")


def use(url: str, data_dir: str) -> None:
    os.environ.update({"DATA_DIR": data_dir, "DEMO_MODE": "true", "BIDS_PER_USER_PER_MINUTE": "1000000"})
    from data.db import use_database

    use_database(url)


def dashboards(dealer_id: int, lot_id: int, now: datetime) -> dict[str, list[Query]]:
    span = {"start": now - timedelta(days=180), "end": now + timedelta(days=1)}
    dealer, zone = {"dealer_id": dealer_id, **span}, {"tz": "Asia/Kolkata"}
    return {
        "dealer": [("dealer_summary", dealer), ("dealer_earnings", {**dealer, "period": "week", **zone}),
                   ("dealer_top_models", {**dealer, "limit": 10}),
                   ("dealer_bid_hours", {**dealer, "tz": "Asia/Kolkata"}), ("dealer_lots", dealer),
                   ("lot_price_curve", {"dealer_id": dealer_id, "lot_id": lot_id})],
        "admin": [("platform_summary", span), ("users_by_role", {"now": now}), ("live_now", {"now": now}),
                  ("bids_per_hour", {"start": now - timedelta(days=7), "end": now}),
                  ("top_dealers", {**span, "limit": 10}),
                  ("registrations", {**span, "period": "day", **zone})],
    }


def timed(run: Callable[[], object], repeat: int = 5) -> float:
    run()  # warm
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def duck_runner(queries: list[Query]) -> Callable[[], object]:
    from analytics.queries import run

    return lambda: [run(name, **params) for name, params in queries]


def pg_runner(url: str, queries: list[Query]) -> Callable[[], object]:
    from analytics.sqlfiles import postgres_text

    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    conn.execute("SET TimeZone = 'UTC'")
    def frame(name: str, params: dict[str, Any]) -> pd.DataFrame:  # what a dashboard would need
        cursor = conn.execute(postgres_text(name), params)
        return pd.DataFrame(cursor.fetchall(), columns=[c.name for c in cursor.description or []])

    return lambda: [frame(name, params) for name, params in queries]


def biggest_dealer(url: str) -> tuple[int, int]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        dealer = conn.execute("SELECT a.dealer_id FROM lots l JOIN auctions a ON a.id = l.auction_id "
                              "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()
        lot = conn.execute("SELECT l.id FROM lots l JOIN auctions a ON a.id = l.auction_id "
                           "WHERE a.dealer_id = %s ORDER BY l.bid_count DESC LIMIT 1", dealer).fetchone()
    assert dealer and lot
    return int(dealer[0]), int(lot[0])


def freshness_lag(burst: int) -> float:
    """Seconds from the commit of the last bid of a burst to its being visible in the copy."""
    from analytics.copy.refresh import refresh_once
    from analytics.reader import connect
    from data.uow import UnitOfWork
    from domain.accounts.users import actor_load
    from domain.bidding.service import bid_place

    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            refresh_once()
            time.sleep(0.2)

    with UnitOfWork(write=False) as uow:
        lots = uow.session.execute(text(
            "SELECT l.id, coalesce(l.leader_max, l.current_price, l.starting_price) FROM lots l "
            "JOIN auctions a ON a.id = l.auction_id WHERE l.outcome IS NULL AND l.ends_at > now() "
            "AND a.starts_at < now() LIMIT 20")).all()
        bidders = [actor_load(uow, row[0]) for row in uow.session.execute(text(
            "SELECT user_id FROM user_roles WHERE role = 'bidder' AND user_id NOT IN "
            "(SELECT user_id FROM dealers) LIMIT 20")).all()]
    refresher = threading.Thread(target=loop, daemon=True)
    refresher.start()
    last_id, committed = 0, 0.0
    for n in range(burst):
        lot_id, price = lots[n % len(lots)]
        amount = int(price) // 100 + 100_000 * (n // len(lots) + 1)
        last_id = bid_place(bidders[n % len(bidders)], lot_id=lot_id, maximum=Decimal(amount),
                            key=uuid.uuid4().hex).bid_id
        committed = time.perf_counter()
    while True:
        with connect() as cursor:
            if cursor.execute("SELECT count(*) FROM bids WHERE id = $id", {"id": last_id}).fetchall()[0][0]:
                break
        time.sleep(0.05)
    lag = time.perf_counter() - committed
    stop.set()
    refresher.join()
    return lag


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bids", type=int, default=1_000_000)
    parser.add_argument("--smoke", action="store_true", help="a tiny size, for CI")
    parser.add_argument("--database", help="reuse this PostgreSQL database (generated only if empty)")
    parser.add_argument("--data-dir", help="reuse this folder for the copy (refreshed, not rebuilt)")
    parser.add_argument("--sqlite-rebuild", action="store_true",
                        help="time and peak memory of rebuilding the copy from a SQLite store")
    parser.add_argument("--sqlite", help="with --sqlite-rebuild: reuse this file (generated only if empty)")
    parser.add_argument("--memory-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_probe:
        memory_probe()
        return
    if args.rebuild_probe:
        rebuild_probe()
        return
    bids = 20_000 if args.smoke else args.bids
    cars = max(1_000, bids // 10)
    if args.sqlite_rebuild:
        sqlite_rebuild(bids, cars, args.sqlite)
        return
    with contextlib.ExitStack() as stack:
        url = args.database or stack.enter_context(scratch_database())
        data_dir = args.data_dir or stack.enter_context(tempfile.TemporaryDirectory())
        use(url, data_dir)
        report(url, bids, cars)


def memory_probe() -> None:
    """Run in a fresh process: load the copy into memory, print the seconds and the resident memory."""
    from analytics.reader import memory_copy

    began = time.perf_counter()
    memory_copy()
    print(json.dumps({"seconds": time.perf_counter() - began, **resident_mb()}))


def rebuild_probe() -> None:
    """Run in a fresh process: rebuild the copy of DATABASE_URL's store, print the seconds and memory."""
    from analytics.copy.refresh import rebuild

    began = time.perf_counter()
    report = rebuild()
    print(json.dumps({"seconds": time.perf_counter() - began, "rows": report.rows, **resident_mb()}))


def resident_mb() -> dict[str, int]:
    """This process's peak resident memory, and its resident memory now."""
    lines = Path("/proc/self/status").read_text().splitlines()
    status = dict(line.split(":", 1) for line in lines)
    return {"rss_mb": int(status["VmHWM"].split()[0]) // 1024,
            "rss_now_mb": int(status["VmRSS"].split()[0]) // 1024}


def in_fresh_process(flag: str) -> dict[str, Any]:
    """Run this bench with `flag` in a new interpreter (the environment carries the store and folder)."""
    command = [sys.executable, "-m", "bench.analytics_bench", flag]  # one of this bench's own flags
    return dict(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout))  # noqa: S603


def sqlite_rebuild(bids: int, cars: int, path: str | None) -> None:
    """The copy rebuilt from an embedded store of `bids` bids: its time and the rebuilding process's peak
    resident memory (a fresh process, so the figure is the rebuild's, not the generator's)."""
    with tempfile.TemporaryDirectory() as folder:
        use(f"sqlite:///{path or Path(folder) / 'store.db'}", folder)
        generate_if_empty(bids, cars)
        probe = in_fresh_process("--rebuild-probe")
    rows = probe["rows"]
    print(f"rebuild copy of an embedded store ({rows['bids']:,} bids, {sum(rows.values()):,} rows) in a "
          f"fresh process: {probe['seconds']:.1f} s, peak resident memory {probe['rss_mb']:,} MB; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"RESULT bids={bids} rebuild_s={probe['seconds']:.1f} rebuild_peak_mb={probe['rss_mb']}")


def generate_if_empty(bids: int, cars: int) -> None:
    """Migrate the store this process uses and generate the market, unless it has one already."""
    from data.db import get_engine
    from data.migrate import upgrade_to_head
    from demo.generate import generate

    engine = get_engine()
    upgrade_to_head(engine)
    with engine.connect() as conn:
        present = int(conn.execute(text("SELECT count(*) FROM bids")).scalar_one())
    if present:
        print(f"reused store: {present:,} bids")
        return
    began = time.perf_counter()
    generate(engine, dealers=max(10, cars // 500), cars=cars, auctions=max(100, cars // 10), bids=bids)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    print(f"generate: {time.perf_counter() - began:.1f} s (bids={bids:,}, cars={cars:,}, "
          f"lots={cars:,}, dealers={max(10, cars // 500):,})")


def prepare(url: str, bids: int, cars: int) -> None:
    """Generate the market (unless the database has one), then build or refresh the copy."""
    from analytics.copy.refresh import rebuild, refresh_once
    from analytics.copy.storage import manifest_read

    generate_if_empty(bids, cars)
    began = time.perf_counter()
    rebuilt = manifest_read() is None
    rebuild() if rebuilt else refresh_once()
    print(f"{'build' if rebuilt else 'refresh'} copy: {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    for _ in range(3):  # after a rebuild on PostgreSQL the audit log is re-read until proven final
        refresh_once()
    print(f"first three refreshes: {time.perf_counter() - began:.1f} s")
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        from analytics.sqlfiles import postgres_views

        for statement in postgres_views():  # the copy's two dealer views, as plain views
            conn.execute(statement)


def report(url: str, bids: int, cars: int) -> None:
    from analytics.reader import memory_copy
    from data.types import utcnow

    prepare(url, bids, cars)
    probe = in_fresh_process("--memory-probe")
    print(f"load copy into a fresh process: {probe['seconds']:.1f} s, peak resident memory "
          f"{probe['rss_mb']:,} MB (after load {probe['rss_now_mb']:,} MB)")
    memory_copy()
    dealer_id, lot_id = biggest_dealer(url)
    results = {}
    for board, queries in dashboards(dealer_id, lot_id, utcnow()).items():
        duck, pg = timed(duck_runner(queries)), timed(pg_runner(url, queries))
        results[board] = (duck, pg)
        print(f"{board:7s} DuckDB {duck:8.1f} ms   PostgreSQL {pg:8.1f} ms   "
              f"ratio PG/DuckDB {pg / duck:5.1f}x")
        for name, params in queries:
            d, p = timed(duck_runner([(name, params)]), 3), timed(pg_runner(url, [(name, params)]), 3)
            print(f"    {name:22s} DuckDB {d:8.1f} ms   PostgreSQL {p:8.1f} ms")
    lag = freshness_lag(200)
    print(f"freshness lag after a 200-bid burst: {lag:.2f} s")
    (dd, dp), (ad, ap) = results["dealer"], results["admin"]
    print(f"RESULT bids={bids} dealer_ms={dd:.1f} admin_ms={ad:.1f} admin_speedup={ap / ad:.1f} "
          f"dealer_speedup={dp / dd:.1f} lag_s={lag:.2f}")


if __name__ == "__main__":
    main()
