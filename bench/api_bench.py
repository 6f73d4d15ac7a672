"""API benchmark (PostgreSQL): the HTTP API under uvicorn with two workers, at demo scale.

    python -m bench.api_bench            # 1,000 users, open loop ~300 req/s for 60 s, then ramps
    python -m bench.api_bench --smoke    # seconds: CI runs it so it never rots

A scratch database is made on the server named by DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), migrated, seeded with the demo marketplace
(demo.seed.seed_demo) plus a live market loaded with COPY (2,000 live auctions of five lots: 10,000
live lots, each car listed for search), plus the bench's users, each signed in once (a session and
its access token) before any timing, then vacuumed and checkpointed (`settle_store`); it is dropped
at the end. `uvicorn api.main:app --workers 2` serves it from its own processes, with Redis rate
limits (REDIS_URL, default redis://127.0.0.1:6379/0) and Prometheus multiprocess metrics, as in
production. This process drives it on 127.0.0.1 with a
minimal asyncio HTTP/1.1 client (keep-alive, one connection per user): httpx used a whole core at
300 req/s, starving the server it measured. The driver's and the server's CPU are reported.

(a) Open loop: each user acts every few seconds (exponential think time, mean users/rate), whatever
    the answers do: 90% reads (a lot's live board, car search, live auctions, own bids, notifications)
    and 10% bids on live lots. Latency counts from the moment each request was due (no coordinated
    omission). Per endpoint: count, p50/p95/p99 and errors (5xx or no answer; a bid refused by the
    rules with 409 is an answer, counted as refused).
(b) Closed-loop ramps (clients sending back to back on their own connections) for the mix, for reads
    only and for bids only; the highest throughput of the mix is `saturation_rps`.

The last line:  RESULT users=<> rps=<> read_p95_ms=<> bid_p95_ms=<> errors=<> saturation_rps=<>
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from data.bulk import copy_rows
from data.scratch import scratch_postgres
from ops.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "api.txt"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
PASSWORD = "Bench-Pass-2026!"  # noqa: S105 — the scratch users' password, made for this run
LOTS_PER_AUCTION = 5
STEP = Decimal(1000)  # bids go up in thousands of rupees
KEEP_ALIVE_S = 75  # as a proxy in front would keep them (nginx's default); uvicorn's own default is 5 s


@dataclass(frozen=True)
class Plan:
    users: int
    live_lots: int
    rate: float
    seconds: float
    ramp: tuple[int, ...]
    ramp_seconds: float
    warm_seconds: float  # untimed traffic before the open loop


FULL = Plan(users=1_000, live_lots=10_000, rate=300, seconds=60, ramp=(8, 16, 32, 64, 128), ramp_seconds=8,
            warm_seconds=10)
SMOKE = Plan(users=30, live_lots=100, rate=30, seconds=4, ramp=(4, 8), ramp_seconds=2, warm_seconds=1)


# --- the store -------------------------------------------------------------------------------


def scratch_database(server: str) -> AbstractContextManager[str]:
    return scratch_postgres(server, prefix="bench_api")


def prepare(plan: Plan) -> tuple[list[str], dict[int, Decimal]]:
    """Migrate, seed the demo and the live market, sign in the bench users:
    (access tokens, each live lot's next acceptable maximum)."""
    from data.migrate import upgrade_to_head
    from demo.seed import seed_demo

    upgrade_to_head()
    seed_demo()
    seed_live_market(plan.live_lots)
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(_signed_in_user, range(plan.users)))
    settle_store()
    return tokens, _live_lots()


def settle_store() -> None:
    """Vacuum and checkpoint after the bulk load, as a store that has been up a while would be: left
    to themselves, autovacuum and the flush of the load's dirty pages ran during the first timed
    minute, slowing every commit (and the reads queued behind them) for half a minute."""
    from sqlalchemy import text

    from data.db import get_engine

    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
        conn.execute(text("CHECKPOINT"))


def _signed_in_user(number: int) -> str:
    from domain.accounts.tokens import tokens_login
    from domain.accounts.users import user_register

    email = f"bench{number}@example.com"
    user_register(email=email, name="Bench Bidder", password=PASSWORD)
    return tokens_login(email=email, password=PASSWORD, address="bench", refresh_days=1).access_token


CARS = (("Maruti Suzuki", "Swift", "hatchback", "petrol", "manual"),
        ("Hyundai", "Creta", "suv", "diesel", "automatic"), ("Honda", "City", "sedan", "petrol", "cvt"),
        ("Tata", "Nexon", "suv", "electric", "amt"), ("Toyota", "Innova", "muv", "diesel", "manual"),
        ("Kia", "Seltos", "suv", "petrol", "dct"))
CITIES = ("Pune", "Mumbai", "Delhi", "Bengaluru", "Chennai", "Hyderabad")


def seed_live_market(lots: int) -> None:
    """Live auctions of five lots by the demo's verified dealers, loaded with COPY: every lot open for
    a day or more, its car listed (price, end) like a published lot's."""
    from sqlalchemy import text

    from data.db import get_engine
    from data.types import utcnow

    engine, now, rng = get_engine(), utcnow(), random.Random(5)
    with engine.connect() as conn:
        dealers = list(conn.execute(text("SELECT id FROM dealers WHERE status = 'verified'")).scalars())
        first = {t: int(conn.execute(text(f"SELECT coalesce(max(id), 0) + 1 FROM {t}")).scalar_one())
                 for t in ("auctions", "cars", "lots")}
    count, hour = -(-lots // LOTS_PER_AUCTION), timedelta(hours=1)
    ends = [now + timedelta(days=1, minutes=rng.randrange(0, 1440)) for _ in range(count)]
    copy_rows(engine, "auctions", ("id", "dealer_id", "title", "description", "status", "starts_at",
                                   "ends_at", "soft_close_window_s", "soft_close_extension_s",
                                   "created_at", "updated_at"),
          [(first["auctions"] + a, dealers[a % len(dealers)], f"Live sale {a + 1}", "", "scheduled",
            now - hour, ends[a] + timedelta(minutes=LOTS_PER_AUCTION), 120, 120, now, now)
           for a in range(count)])
    market = [_lot(rng, first, n, ends[n // LOTS_PER_AUCTION], dealers) for n in range(lots)]
    copy_rows(engine, "cars", CAR_COLUMNS, [car for car, _ in market])
    copy_rows(engine, "lots", ("id", "auction_id", "car_id", "lot_number", "starting_price", "reserve_price",
                           "bid_count", "bidder_count", "ends_at", "extended", "version"),
          [lot for _, lot in market])
    with engine.begin() as conn:
        for table in ("auctions", "cars", "lots"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
        conn.execute(text("ANALYZE"))


CAR_COLUMNS = ("id", "dealer_id", "vin", "make", "model", "variant", "year", "body_type", "fuel",
               "transmission", "engine_cc", "odometer_km", "registration_year", "owners", "colour", "city",
               "title_status", "damage", "condition_grade", "description", "photos", "status",
               "listing_lot_id", "listing_price", "listing_ends_at", "created_at", "updated_at")


def _lot(rng: random.Random, first: dict[str, int], n: int, auction_end: Any,
         dealers: Sequence[int]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    car_id, lot_id, auction = first["cars"] + n, first["lots"] + n, n // LOTS_PER_AUCTION
    make, model, body, fuel, gearbox = rng.choice(CARS)
    year, price = rng.randrange(2012, 2025), rng.randrange(150, 2500) * 100_000  # paise
    ends = auction_end + timedelta(minutes=n % LOTS_PER_AUCTION)
    car = (car_id, dealers[auction % len(dealers)], f"BNCHAPI{car_id:010d}", make, model, "", year, body,
           fuel, gearbox, 1200, rng.randrange(5_000, 150_000), year, 1, "White", rng.choice(CITIES), "clean",
           "none", rng.randrange(1, 6), "", "[]", "available", lot_id, price, ends, auction_end, auction_end)
    lot = (lot_id, first["auctions"] + auction, car_id, 1 + n % LOTS_PER_AUCTION, price,
           price + 5_000_000 if n % 2 else None, 0, 0, ends, False, 0)
    return car, lot


def _live_lots() -> dict[int, Decimal]:
    from sqlmodel import col, select

    from data.models import Auction, Lot
    from data.types import utcnow
    from data.uow import UnitOfWork

    now = utcnow()
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(col(Lot.id), col(Lot.starting_price), col(Lot.current_price))
                                .join(Auction, col(Auction.id) == Lot.auction_id).where(
            Auction.status == "scheduled", col(Auction.starts_at) <= now, col(Lot.outcome).is_(None),
            col(Lot.ends_at) > now)).all()
    return {int(lot_id or 0): (current + STEP if current is not None else start)
            for lot_id, start, current in rows}


# --- the server ------------------------------------------------------------------------------


@contextmanager
def api_server(url: str) -> Iterator[tuple[int, int]]:
    """(port, pid) of `uvicorn --workers 2` on the scratch store, Redis limits, multiprocess metrics."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-prom-") as prom:
        env = os.environ | {"DATABASE_URL": url, "DEMO_MODE": "false", "PROMETHEUS_MULTIPROC_DIR": prom,
                            "REDIS_URL": os.environ.get("REDIS_URL", DEFAULT_REDIS),
                            "API_RATE_PER_TOKEN": "10000/minute", "BIDS_PER_USER_PER_MINUTE": "10000"}
        # A fixed argument list, no shell: the only outside value is our own free port.
        process = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:app", "--workers", "2",  # noqa: S603
                                    "--port", str(port), "--no-access-log", "--log-level", "warning",
                                    "--timeout-keep-alive", str(KEEP_ALIVE_S)],
                                   cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        try:
            asyncio.run(_wait_ready(port))
            yield port, process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)


async def _wait_ready(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = await Http.connect(port)
            status, _ = await conn.send("GET", "/readyz", "", None)
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.3)
    raise RuntimeError("the API did not become ready")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (uvicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# --- the driver --------------------------------------------------------------------------------


class Http:
    """One keep-alive HTTP/1.1 connection: just enough client for our JSON answers. A connection the
    server closed while idle (past the server's keep-alive timeout) is reopened."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    @classmethod
    async def connect(cls, port: int) -> Http:
        conn = cls(port)
        await conn._open()
        return conn

    async def _open(self) -> None:
        self.close()
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def send(self, method: str, path: str, token: str, body: bytes | None) -> tuple[int, bytes]:
        head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        request = head.encode() + b"\r\n" + (body or b"")
        if self.reader is None or self.writer is None or self.reader.at_eof() or self.writer.is_closing():
            await self._open()
        try:
            return await self._exchange(request)
        except (ConnectionError, asyncio.IncompleteReadError):  # closed as we sent: once more, afresh
            await self._open()
            return await self._exchange(request)

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        self.writer.write(request)
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        if headers.get("transfer-encoding") == "chunked":
            return int(lines[0].split()[1]), await self._chunks()
        return int(lines[0].split()[1]), await self.reader.readexactly(int(headers.get("content-length", 0)))

    async def _chunks(self) -> bytes:
        assert self.reader is not None
        parts = []
        while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await self.reader.readexactly(size + 2))
        await self.reader.readuntil(b"\r\n")
        return b"".join(part[:-2] for part in parts)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refused: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def total(self) -> int:
        return sum(len(v) for v in self.latencies.values())


READS = (("GET /lots/{id}", 0.40), ("GET /cars/search", 0.20), ("GET /auctions", 0.13), ("GET /bids", 0.11),
         ("GET /notifications", 0.16))


class Load:
    """What a user does next: 90% reads, 10% bids (or only one kind, for the ramps)."""

    def __init__(self, minimum: dict[int, Decimal], seed: int) -> None:
        self.minimum, self.lots, self.rng = minimum, list(minimum), random.Random(seed)

    def pick(self, bids: float = 0.10) -> tuple[str, str, str, bytes | None]:
        """(endpoint name, method, path, json body)."""
        lot = self.rng.choice(self.lots)
        if self.rng.random() < bids:
            amount = self.minimum[lot] + STEP * self.rng.randrange(0, 5)
            body = json.dumps({"lot_id": lot, "max_amount": str(amount)}).encode()
            return "POST /bids", "POST", "/api/v1/bids", body
        name = self.rng.choices([n for n, _ in READS], [w for _, w in READS])[0]
        path = {"GET /lots/{id}": f"/api/v1/lots/{lot}", "GET /auctions": "/api/v1/auctions?phase=live",
                "GET /cars/search": f"/api/v1/cars/search?sort={self._sort()}&limit=24",
                "GET /bids": "/api/v1/bids", "GET /notifications": "/api/v1/notifications"}[name]
        return name, "GET", path, None

    def _sort(self) -> str:
        return self.rng.choice(["newest", "ending_soonest", "price_low", "year_newest"])

    def learn(self, path: str, body: bytes | None, status: int, answer: bytes) -> None:
        """Keep each lot's next minimum (from its board, or a refused bid), so bids are believable."""
        if not (path.startswith("/api/v1/lots/") and status == 200) and not (body and status == 409):
            return
        data = json.loads(answer).get("data") or {}
        if "minimum_next" in data:
            lot = int(data["lot_id"]) if "lot_id" in data else int(json.loads(body or b"{}")["lot_id"])
            self.minimum[lot] = Decimal(data["minimum_next"])


async def one(conn: Http, token: str, load: Load, tally: Tally, *, due: float, bids: float) -> None:
    name, method, path, body = load.pick(bids)
    try:
        status, answer = await conn.send(method, path, token, body)
    except (OSError, asyncio.IncompleteReadError, ValueError):
        tally.errors[name] += 1
        return
    tally.latencies[name].append(time.perf_counter() - due)
    if status >= 500:
        tally.errors[name] += 1
    elif status >= 400:
        tally.refused[name] += 1
    load.learn(path, body, status, answer)


async def connections(port: int, count: int) -> list[Http]:
    return list(await asyncio.gather(*(Http.connect(port) for _ in range(count))))


async def open_loop(port: int, tokens: list[str], load: Load, plan: Plan) -> tuple[Tally, float]:
    """Every user on their own connection, acting at exponential intervals from fixed due times."""
    conns, tally = await connections(port, len(tokens)), Tally()
    mean = len(tokens) / plan.rate
    start = time.perf_counter()
    stop = start + plan.seconds

    async def user(conn: Http, token: str, rng: random.Random) -> None:
        due = start + rng.uniform(0, mean)
        while due < stop:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            await one(conn, token, load, tally, due=due, bids=0.10)
            due += rng.expovariate(1 / mean)

    await asyncio.gather(*(user(conn, token, random.Random(i))
                           for i, (conn, token) in enumerate(zip(conns, tokens, strict=True))))
    elapsed = max(plan.seconds, time.perf_counter() - start)
    for conn in conns:
        conn.close()
    return tally, elapsed


async def closed_loop(port: int, tokens: list[str], load: Load, *, clients: int, seconds: float,
                      bids: float) -> Tally:
    conns, tally = await connections(port, clients), Tally()
    stop = time.perf_counter() + seconds

    async def client(conn: Http, token: str) -> None:
        while time.perf_counter() < stop:
            await one(conn, token, load, tally, due=time.perf_counter(), bids=bids)

    await asyncio.gather(*(client(c, tokens[i % len(tokens)]) for i, c in enumerate(conns)))
    for conn in conns:
        conn.close()
    return tally


# --- reporting ---------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(tally: Tally, elapsed: float, out: list[str]) -> None:
    out.append(f"{'endpoint':<20} {'n':>7} {'p50_ms':>8} {'p95_ms':>8} {'p99_ms':>8} "
               f"{'refused':>8} {'errors':>7}")
    for name in sorted(set(tally.latencies) | set(tally.errors)):
        values = tally.latencies[name]
        out.append(f"{name:<20} {len(values):>7} {pct(values, .5):>8.1f} {pct(values, .95):>8.1f} "
                   f"{pct(values, .99):>8.1f} {tally.refused[name]:>8} {tally.errors[name]:>7}")
    out.append(f"achieved {tally.total() / elapsed:.1f} req/s over {elapsed:.1f} s")


def reads(tally: Tally) -> list[float]:
    return [v for name, values in tally.latencies.items() if name.startswith("GET") for v in values]


@contextmanager
def metered(server_pid: int, seconds: float, out: list[str]) -> Iterator[None]:
    """Append the CPU the server and this driver used (in cores) and the load average."""
    server, driver, started = cpu_seconds(server_pid), time.process_time(), time.perf_counter()
    yield
    wall = max(seconds, time.perf_counter() - started)
    out.append(f"  cpu: server {(cpu_seconds(server_pid) - server) / wall:.2f} cores, driver "
               f"{(time.process_time() - driver) / wall:.2f} cores; load average "
               f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def ramp(port: int, tokens: list[str], load: Load, plan: Plan, *, label: str, bids: float,
         out: list[str]) -> float:
    best = 0.0
    for clients in plan.ramp:
        tally = asyncio.run(closed_loop(port, tokens, load, clients=clients, seconds=plan.ramp_seconds,
                                        bids=bids))
        rps = tally.total() / plan.ramp_seconds
        best = max(best, rps)
        everything = [v for values in tally.latencies.values() for v in values]
        out.append(f"closed loop {label:<5} {clients:>4} clients: {rps:>7.1f} req/s, p50 "
                   f"{pct(everything, .5):.1f} ms, p95 {pct(everything, .95):.1f} ms, "
                   f"errors {sum(tally.errors.values())}, refused {sum(tally.refused.values())}")
    out.append(f"saturation {label}: {best:.1f} req/s")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a tiny run in seconds")
    args = parser.parse_args()
    plan = SMOKE if args.smoke else FULL
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: still stop the server, drop the store
    os.environ.setdefault("BCRYPT_ROUNDS", "4")  # the bench measures the API, not password hashing
    os.environ.setdefault("JWT_SECRET", uuid.uuid4().hex * 2)
    os.environ.setdefault("COOKIE_KEY", uuid.uuid4().hex * 2)
    out: list[str] = []
    with scratch_database(os.environ.get("DATABASE_URL", DEFAULT_SERVER)) as url:
        os.environ.update({"DATABASE_URL": url, "DEMO_MODE": "false"})
        tokens, minimum = prepare(plan)
        with api_server(url) as (port, pid):
            load = Load(minimum, seed=7)
            out.append(f"users={len(tokens)} live_lots={len(minimum)} target={plan.rate:.0f} req/s "
                       f"for {plan.seconds:.0f} s, 2 uvicorn workers, PostgreSQL, Redis rate limits")
            # Untimed: compiled statements, pools and the store's cache warm, as in a server already up.
            asyncio.run(closed_loop(port, tokens, load, clients=16, seconds=plan.warm_seconds, bids=0.10))
            with metered(pid, plan.seconds, out):
                tally, elapsed = asyncio.run(open_loop(port, tokens, load, plan))
            report(tally, elapsed, out)
            with metered(pid, plan.ramp_seconds * len(plan.ramp), out):
                saturation = ramp(port, tokens, load, plan, label="mix", bids=0.10, out=out)
            ramp(port, tokens, load, plan, label="reads", bids=0.0, out=out)
            ramp(port, tokens, load, plan, label="bids", bids=1.0, out=out)
    errors = sum(tally.errors.values())
    out.append(f"RESULT users={len(tokens)} rps={tally.total() / elapsed:.1f} "
               f"read_p95_ms={pct(reads(tally), .95):.1f} "
               f"bid_p95_ms={pct(tally.latencies['POST /bids'], .95):.1f} "
               f"errors={errors} saturation_rps={saturation:.1f}")
    print("\n".join(out))
    if not args.smoke:
        RESULTS.write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
