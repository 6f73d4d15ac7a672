"""Fill a migrated store with a synthetic market, fast: `python -m demo.generate --dealers 200
--cars 100000 --auctions 10000 --bids 1000000 [--database-url URL]`.

For benchmarks and load tests, not for demos (`demo.seed` is the believable one). Rows are made with
numpy in whole columns and bulk loaded: PostgreSQL through COPY (psycopg `cursor.copy`), SQLite with
executemany in big batches. They are consistent: every lot's price, leader and counters equal its
bids; ended lots are settled the way `domain.bidding.settlement` would (sold, reserve_not_met or
unsold) and sold lots have their sale booked with `domain.bidding.fees.sale_amounts`; every row of a
tracked table has its change_log row, so the analytics copy can be built from it. Bid ids follow their
time (as the service hands them out); each bid's first appearance on a lot and in an auction has its
`lot_bidders` / `auction_participants` row; sign-ins leave `login` audit entries (a bidder signs in
about once per five bids, over the last 400 days). VINs are synthetic (unique, not check-digit
valid). Ids start after the ones already in the store.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]  # no stubs
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
from sqlalchemy import Engine, text

from data.db import make_engine, writer
from data.settings import get_settings
from data.types import utcnow
from domain.bidding.fees import FeeBand, FeeSchedule, sale_amounts

MODELS = [("Maruti Suzuki", "Swift"), ("Maruti Suzuki", "Baleno"), ("Hyundai", "Creta"), ("Hyundai", "i20"),
          ("Tata", "Nexon"), ("Tata", "Punch"), ("Mahindra", "XUV700"), ("Mahindra", "Thar"),
          ("Honda", "City"), ("Toyota", "Innova"), ("Kia", "Seltos"), ("Renault", "Kwid")]
CITIES = ["Pune", "Mumbai", "Delhi", "Bengaluru", "Chennai", "Hyderabad", "Kolkata", "Jaipur"]
STEP = 500_000  # each generated bid raises the price by 5,000 rupees (in paise)
PREMIUM = FeeSchedule((FeeBand(Decimal(0), percent=Decimal(5)),))  # as the migration seeds an empty store
SQLITE_BATCH = 50_000
# A dealer's seller fee is SELLER_FEES[id % 3]. Generated sales, like those booked before fees were
# versioned, name no schedule version: only their amounts count.
SELLER_FEES = [FeeSchedule((FeeBand(Decimal(0), percent=Decimal(pct)),)) for pct in ("0", "1", "2.5")]
TRACKED = ["users", "dealers", "cars", "auctions", "lots", "bids", "sales"]
LOAD_ORDER = ["users", "user_roles", "dealers", "auctions", "cars", "lots", "bids", "lot_bidders",
              "auction_participants", "sales", "audit_log"]
LOGINS_PER_BID = 0.2


def _ts(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[us]")).cast(pa.timestamp("us", tz="UTC"))


def _first_ids(engine: Engine) -> dict[str, int]:
    tables = ["users", "dealers", "cars", "auctions", "lots", "bids", "sales", "audit_log"]
    with engine.connect() as conn:
        return {t: int(conn.execute(text(f"SELECT coalesce(max(id), 0) + 1 FROM {t}")).scalar_one())
                for t in tables}


def build(*, dealers: int, cars: int, auctions: int, bids: int, first: dict[str, int],
          now: datetime, seed: int = 7) -> dict[str, pa.Table]:
    """Every table of the market as Arrow tables (money in paise, times UTC)."""
    rng = np.random.default_rng(seed)
    now64 = np.datetime64(now.replace(tzinfo=None), "us")
    bidders = max(50, bids // 50)
    users = _users(dealers + bidders, first["users"], now64, rng)
    owner_ids = users["id"].to_numpy()[:dealers]
    dealer_ids = np.arange(first["dealers"], first["dealers"] + dealers)
    out: dict[str, pa.Table] = {"users": users}
    out["user_roles"] = pa.table({
        "user_id": np.concatenate([users["id"].to_numpy(), owner_ids]),
        "role": ["bidder"] * users.num_rows + ["dealer"] * dealers})
    out["dealers"] = pa.table({
        "id": dealer_ids, "user_id": owner_ids, "store_name": [f"Store {i}" for i in dealer_ids],
        "address": ["1 Main Road"] * dealers, "city": rng.choice(CITIES, dealers),
        "postal_code": ["411001"] * dealers,
        "status": ["verified"] * dealers,
        "created_at": _ts(np.full(dealers, now64 - np.timedelta64(400, "D"))),
        "updated_at": _ts(np.full(dealers, now64 - np.timedelta64(400, "D")))})
    auction = _auctions(auctions, first["auctions"], dealer_ids, now64, rng)
    out["auctions"] = auction
    lot_auction = rng.integers(0, auctions, cars)
    out["cars"], out["lots"], bid_table, sales = _lots_and_bids(
        cars, bids, lot_auction, auction, first, bidder_ids=users["id"].to_numpy()[dealers:], now64=now64,
        rng=rng)
    out["bids"], out["sales"] = bid_table, sales
    out["lot_bidders"], out["auction_participants"] = _participants(bid_table)
    out["audit_log"] = _logins(int(bids * LOGINS_PER_BID), first["audit_log"], users["id"].to_numpy(), now64,
                               rng)
    return out


def _participants(bid_table: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Insert-once rows of each (lot, bidder) and (auction, bidder) pair, stamped with the first bid."""
    first = bid_table.group_by(["lot_id", "bidder_id"], use_threads=False).aggregate([])
    joined = (bid_table.group_by(["auction_id", "bidder_id"], use_threads=False)
              .aggregate([("placed_at", "min")]).rename_columns(["auction_id", "bidder_id", "joined_at"]))
    return first, joined


def _logins(count: int, first: int, user_ids: np.ndarray, now64: np.datetime64,
            rng: np.random.Generator) -> pa.Table:
    at = np.sort(now64 - rng.integers(1, 400 * 86_400, count).astype("timedelta64[s]"))
    who = rng.choice(user_ids, count)
    return pa.table({"id": np.arange(first, first + count), "at": _ts(at), "actor_id": who,
                     "action": ["login"] * count, "entity": ["users"] * count, "entity_id": who,
                     "before": pa.nulls(count, pa.string()), "after": pa.nulls(count, pa.string())})


def _users(count: int, first: int, now64: np.datetime64, rng: np.random.Generator) -> pa.Table:
    ids = np.arange(first, first + count)
    created = _ts(now64 - rng.integers(1, 400 * 86_400, count).astype("timedelta64[s]"))
    return pa.table({"id": ids, "email": [f"gen{i}@example.com" for i in ids], "name": ["Generated"] * count,
                     "timezone": ["Asia/Kolkata"] * count, "password_hash": ["!"] * count,
                     "status": ["active"] * count, "created_at": created, "updated_at": created,
                     "password_changed_at": created})


def _auctions(count: int, first: int, dealer_ids: np.ndarray, now64: np.datetime64,
              rng: np.random.Generator) -> pa.Table:
    starts = now64 - rng.integers(0, 180 * 86_400, count).astype("timedelta64[s]")
    live = rng.random(count) < 0.02  # a few are live now
    starts = np.where(live, now64 - np.timedelta64(1, "h"), starts)
    ends = starts + np.timedelta64(2, "D")
    return pa.table({"id": np.arange(first, first + count), "dealer_id": rng.choice(dealer_ids, count),
                     "title": ["Generated sale"] * count, "description": [""] * count,
                     "status": ["scheduled"] * count, "starts_at": _ts(starts), "ends_at": _ts(ends),
                     "soft_close_window_s": np.full(count, 120),
                     "soft_close_extension_s": np.full(count, 120),
                     "created_at": _ts(starts - np.timedelta64(7, "D")),
                     "updated_at": _ts(starts - np.timedelta64(7, "D"))})


def _lots_and_bids(cars: int, bids: int, lot_auction: np.ndarray, auction: pa.Table, first: dict[str, int],
                   *, bidder_ids: np.ndarray, now64: np.datetime64,
                   rng: np.random.Generator) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    lot_ids = np.arange(first["lots"], first["lots"] + cars)
    car_ids = np.arange(first["cars"], first["cars"] + cars)
    a_ids, a_dealer = auction["id"].to_numpy(), auction["dealer_id"].to_numpy()
    a_start = auction["starts_at"].cast(pa.timestamp("us")).to_numpy()
    a_end = auction["ends_at"].cast(pa.timestamp("us")).to_numpy()
    start_price = rng.integers(2, 15, cars) * 50_000_00
    reserve = np.where(rng.random(cars) < 0.7, start_price + 50_000_00, -1)
    # Bids land on lots unevenly (popular cars draw more); sorted by lot so each lot's bids run in order.
    bid_lot = np.sort(rng.choice(cars, bids, p=_weights(cars, rng)))
    counts = np.bincount(bid_lot, minlength=cars)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    k = np.arange(bids) - offsets[bid_lot]  # the bid's place in its lot
    price_after = start_price[bid_lot] + k * STEP
    bidder = rng.choice(bidder_ids, bids)
    span = (a_end[lot_auction] - a_start[lot_auction])[bid_lot]
    placed = a_start[lot_auction][bid_lot] + span * (k + 1) // (counts[bid_lot] + 1)
    placed = np.minimum(placed, now64 - np.timedelta64(1, "s"))
    last = offsets + counts - 1
    has = counts > 0
    current = np.where(has, price_after[np.maximum(last, 0)], -1)
    leader = np.where(has, bidder[np.maximum(last, 0)], -1)
    pairs = np.unique(np.stack([bid_lot, bidder]), axis=1)
    bidder_count = np.bincount(pairs[0], minlength=cars)
    ends = a_end[lot_auction]
    ended = ends <= now64
    below = (reserve >= 0) & (current < reserve)
    settled = np.where(~has, "unsold", np.where(below, "reserve_not_met", "sold"))
    outcome = np.where(ended, settled.astype(object), np.full(cars, None, dtype=object))
    in_time = np.argsort(placed, kind="stable")  # ids follow time; a lot's bids keep their order
    bid_table = pa.table({
        "id": np.arange(first["bids"], first["bids"] + bids), "lot_id": lot_ids[bid_lot][in_time],
        "auction_id": a_ids[lot_auction][bid_lot][in_time], "bidder_id": bidder[in_time],
        "max_amount": (price_after + STEP)[in_time], "price_after": price_after[in_time],
        "leader_after": bidder[in_time], "placed_at": _ts(placed[in_time]),
        "status": ["active"] * bids, "idempotency_key": [f"g{i}" for i in range(bids)]})
    null = _nullable
    car_status = np.where(outcome == "sold", "sold", "available")
    car_table = _cars(car_ids, a_dealer[lot_auction], car_status, rng, now64)
    lots = pa.table({
        "id": lot_ids, "auction_id": a_ids[lot_auction], "car_id": car_ids, "lot_number": lot_ids,
        "starting_price": start_price, "reserve_price": null(reserve), "current_price": null(current),
        "leader_id": null(leader), "leader_max": null(np.where(has, current + STEP, -1)),
        "bid_count": counts, "bidder_count": bidder_count, "ends_at": _ts(ends),
        "extended": np.zeros(cars, bool), "outcome": pa.array(outcome, pa.string()),
        "settled_at": pa.array(np.where(ended, ends + np.timedelta64(1, "s"), np.datetime64("NaT")),
                               pa.timestamp("us")).cast(pa.timestamp("us", tz="UTC")),
        "version": counts + ended})
    sold = np.flatnonzero(outcome == "sold")
    sales = _sales(sold, first["sales"], lot_ids=lot_ids, car_ids=car_ids, auction_ids=a_ids[lot_auction],
                   dealers=a_dealer[lot_auction], leader=leader, price=current, ends=ends)
    return car_table, lots, bid_table, sales


def _nullable(values: np.ndarray) -> pa.Array:
    """-1 stands for NULL in the generated integer columns."""
    return pa.array(np.where(values < 0, 0, values), mask=values < 0)


def _paise(values: object) -> np.ndarray:
    return np.array([int(v * 100) for v in values], np.int64)  # type: ignore[attr-defined]


def _weights(cars: int, rng: np.random.Generator) -> np.ndarray:
    weights: np.ndarray = rng.pareto(1.5, cars) + 0.1
    normalised: np.ndarray = weights / weights.sum()
    return normalised


def _cars(ids: np.ndarray, dealer: np.ndarray, status: np.ndarray, rng: np.random.Generator,
          now64: np.datetime64) -> pa.Table:
    n = len(ids)
    pick = rng.integers(0, len(MODELS), n)
    created = _ts(np.full(n, now64 - np.timedelta64(200, "D")))
    return pa.table({
        "id": ids, "dealer_id": dealer, "vin": [f"GEN{i:014d}" for i in ids],
        "make": [MODELS[p][0] for p in pick], "model": [MODELS[p][1] for p in pick], "variant": [""] * n,
        "year": rng.integers(2012, 2025, n), "body_type": ["hatchback"] * n, "fuel": ["petrol"] * n,
        "transmission": ["manual"] * n, "engine_cc": np.full(n, 1200),
        "odometer_km": rng.integers(1, 200, n) * 1000,
        "owners": np.ones(n, np.int64), "colour": ["White"] * n, "city": rng.choice(CITIES, n),
        "title_status": ["clean"] * n, "damage": ["none"] * n, "condition_grade": np.full(n, 3),
        "description": [""] * n, "photos": ["[]"] * n, "status": status, "created_at": created,
        "updated_at": created})


def _sales(sold: np.ndarray, first: int, *, lot_ids: np.ndarray, car_ids: np.ndarray, auction_ids: np.ndarray,
           dealers: np.ndarray, leader: np.ndarray, price: np.ndarray, ends: np.ndarray) -> pa.Table:
    money = [sale_amounts(Decimal(int(price[i])) / 100, premium=PREMIUM,
                          seller_fee=SELLER_FEES[int(dealers[i]) % 3]) for i in sold]
    paise = _paise
    return pa.table({
        "id": np.arange(first, first + len(sold)), "lot_id": lot_ids[sold], "car_id": car_ids[sold],
        "auction_id": auction_ids[sold],
        "dealer_id": dealers[sold], "buyer_id": leader[sold],
        "hammer": paise(m.hammer for m in money), "buyer_premium": paise(m.buyer_premium for m in money),
        "seller_fee": paise(m.seller_fee for m in money), "buyer_total": paise(m.buyer_total for m in money),
        "dealer_earnings": paise(m.dealer_earnings for m in money),
        "platform_revenue": paise(m.platform_revenue for m in money),
        "sold_at": _ts(ends[sold])})  # dated at the hammer, as settlement books them


def load(engine: Engine, tables: dict[str, pa.Table]) -> None:
    """Bulk-load the tables and their change_log rows in one transaction."""
    with writer(engine).begin() as conn:
        txid = None
        if engine.dialect.name == "postgresql":
            txid = int(conn.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one())
        indexes = _drop_indexes(conn) if txid is not None else []
        for name in LOAD_ORDER:
            _load_table(conn, name, tables[name])
        changes = pa.concat_tables([_changes(name, tables[name], txid) for name in TRACKED])
        _load_table(conn, "change_log", changes)
        for statement in indexes:  # one sort per index beats millions of random index inserts
            conn.execute(text(statement))
        if txid is not None:  # COPY with explicit ids does not move the sequences: move them past
            for name in [*TRACKED, "audit_log"]:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"(SELECT coalesce(max(id), 1) FROM {name}))"))


def _drop_indexes(conn: Any) -> list[str]:
    """PostgreSQL: drop the loaded tables' plain indexes (not keys) for the load; returns their DDL."""
    conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    rows = conn.execute(text(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(:tables) AND t.relnamespace = "
        "'public'::regnamespace AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
        "i.indexrelid)"), {"tables": [*LOAD_ORDER, "change_log"]}).all()
    for name, _ in rows:
        conn.execute(text(f"DROP INDEX {name}"))
    return [ddl for _, ddl in rows]


def _changes(name: str, table: pa.Table, txid: int | None) -> pa.Table:
    n = table.num_rows
    return pa.table({"txid": pa.array([txid] * n, pa.int64()), "at": _ts(np.full(n, np.datetime64(
        utcnow().replace(tzinfo=None), "us"))), "entity": [name] * n, "entity_id": table["id"],
        "op": ["insert"] * n})


def _load_table(conn: Any, name: str, table: pa.Table) -> None:
    if conn.dialect.name == "postgresql":
        _copy(conn, name, table)
    else:
        _executemany(conn, name, table)


def _copy(conn: Any, name: str, table: pa.Table) -> None:
    cursor = conn.connection.dbapi_connection.cursor()
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    with cursor.copy(f"COPY {name} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        for batch in table.to_batches(max_chunksize=200_000):
            buffer = io.BytesIO()
            pacsv.write_csv(pa.Table.from_batches([batch]), buffer,
                            pacsv.WriteOptions(include_header=False))
            copy.write(buffer.getvalue())


def _executemany(conn: Any, name: str, table: pa.Table) -> None:
    naive = [table[c].cast(pa.timestamp("us")) if pa.types.is_timestamp(table.schema.field(c).type)
             else table[c] for c in table.column_names]
    table = pa.table(naive, names=table.column_names)
    marks = ", ".join("?" for _ in table.column_names)
    sql = f"INSERT INTO {name} ({', '.join(table.column_names)}) VALUES ({marks})"
    raw = conn.connection.dbapi_connection
    for batch in table.to_batches(max_chunksize=SQLITE_BATCH):
        columns = [_plain(batch.column(i).to_pylist()) for i in range(batch.num_columns)]
        raw.executemany(sql, list(zip(*columns, strict=True)))


def _plain(values: Sequence[Any]) -> list[Any]:
    """SQLite keeps times as naive UTC text, the same text SQLAlchemy writes."""
    return [v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in values]


def generate(engine: Engine, *, dealers: int, cars: int, auctions: int, bids: int) -> dict[str, int]:
    """Build and load a market; returns the rows written per table."""
    tables = build(dealers=dealers, cars=cars, auctions=auctions, bids=bids, first=_first_ids(engine),
                   now=utcnow())
    load(engine, tables)
    return {name: table.num_rows for name, table in tables.items()}


def _url(url: str | None) -> str:
    url = url or get_settings().url
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in (("dealers", 200), ("cars", 100_000), ("auctions", 10_000), ("bids", 1_000_000)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--database-url", help="default: DATABASE_URL (or the embedded SQLite store)")
    args = parser.parse_args()
    engine = make_engine(_url(args.database_url))
    began = time.perf_counter()
    rows = generate(engine, dealers=args.dealers, cars=args.cars, auctions=args.auctions, bids=args.bids)
    print(f"generated {rows} in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
