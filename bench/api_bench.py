"""API benchmark (PostgreSQL): the HTTP API under uvicorn with two workers, on the demo marketplace.

    python -m bench.api_bench            # 1,000 users, open loop ~300 req/s for 60 s, then a ramp
    python -m bench.api_bench --smoke    # seconds: CI runs it so it never rots

A scratch database is made on the server named by DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), migrated, seeded with the demo marketplace
(data.demo.seed_demo) plus the bench's users, each signed in once (a session and its access token),
and dropped at the end. `uvicorn api.main:app --workers 2` serves it from its own processes; this
process drives it with asyncio + httpx.

(a) Open loop: requests arrive at a fixed rate (Poisson), each from a random signed-in user, 90% reads
    (a lot's live board, car search, live auctions, own bids, notifications) and 10% bids on live lots,
    whatever the answers do; latency counts from the moment each request was due (no coordinated
    omission). Per endpoint: count, p50/p95/p99 and errors (5xx or no answer; a bid refused by the rules
    with 409 is an answer, counted as refused).
(b) Closed loop ramp: 8, 16, 32, 64 and 128 clients sending back to back; the highest throughput seen
    is the saturation rate.

The last line:  RESULT users=<> rps=<> read_p95_ms=<> bid_p95_ms=<> errors=<> saturation_rps=<>
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx

from data.scratch import scratch_postgres

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "api.txt"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "Bench-Pass-2026!"  # noqa: S105 — the scratch users' password, made for this run


@dataclass(frozen=True)
class Plan:
    users: int
    rate: float
    seconds: float
    ramp: tuple[int, ...]
    ramp_seconds: float


FULL = Plan(users=1_000, rate=300, seconds=60, ramp=(8, 16, 32, 64, 128), ramp_seconds=10)
SMOKE = Plan(users=30, rate=30, seconds=4, ramp=(4, 8), ramp_seconds=2)


# --- the store and the server -------------------------------------------------------------


def scratch_database(server: str) -> AbstractContextManager[str]:
    return scratch_postgres(server, prefix="bench_api")


def prepare(url: str, plan: Plan) -> tuple[list[str], list[int]]:
    """Migrate, seed the demo, register and sign in the bench users: (access tokens, live lot ids)."""
    from data.demo import seed_demo
    from data.migrate import upgrade_to_head

    upgrade_to_head()
    seed_demo()
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(_signed_in_user, range(plan.users)))
    return tokens, _live_lots()


def _signed_in_user(number: int) -> str:
    from api.services.tokens import tokens_login
    from domain.accounts import user_register

    email = f"bench{number}@example.com"
    user_register(email=email, name="Bench Bidder", password=PASSWORD)
    return tokens_login(email=email, password=PASSWORD, address="bench", refresh_days=1).access_token


def _live_lots() -> list[int]:
    from sqlmodel import col, select

    from data.models import Auction, Lot
    from data.types import utcnow
    from data.uow import UnitOfWork

    now = utcnow()
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(Lot.id).join(Auction, col(Auction.id) == Lot.auction_id).where(
            Auction.status == "scheduled", col(Auction.starts_at) <= now, col(Lot.outcome).is_(None),
            col(Lot.ends_at) > now)).all()
    return [int(lot_id or 0) for lot_id in rows]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def api_server(url: str) -> Iterator[str]:
    port = free_port()
    env = os.environ | {"DATABASE_URL": url, "DEMO_MODE": "false", "API_RATE_PER_TOKEN": "10000/minute",
                        "API_RATE_BIDS_USER": "10000/minute"}
    # A fixed argument list, no shell: the only outside value is our own free port.
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:app", "--workers", "2",  # noqa: S603
                                "--port", str(port), "--no-access-log", "--log-level", "warning"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the API did not become ready")


# --- the load --------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refused: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def total(self) -> int:
        return sum(len(v) for v in self.latencies.values())


class Load:
    """One request of the mix: 90% reads, 10% bids, from a random signed-in user."""

    def __init__(self, tokens: list[str], lots: list[int], seed: int) -> None:
        self.tokens, self.lots, self.rng = tokens, lots, random.Random(seed)
        self.minimum: dict[int, Decimal] = {}

    def pick(self) -> tuple[str, str, str, dict[str, object] | None, str]:
        """(endpoint name, method, path, json body, token)."""
        token, lot = self.rng.choice(self.tokens), self.rng.choice(self.lots)
        roll = self.rng.random()
        if roll < 0.10:
            amount = self.minimum.get(lot, Decimal(0)) + Decimal(self.rng.randrange(0, 5) * 1000)
            return "POST /bids", "POST", "/api/v1/bids", {"lot_id": lot, "max_amount": str(amount)}, token
        if roll < 0.46:
            return "GET /lots/{id}", "GET", f"/api/v1/lots/{lot}", None, token
        if roll < 0.64:
            return "GET /cars/search", "GET", f"/api/v1/cars/search?sort={self._sort()}&limit=24", None, token
        if roll < 0.76:
            return "GET /auctions", "GET", "/api/v1/auctions?phase=live", None, token
        if roll < 0.86:
            return "GET /bids", "GET", "/api/v1/bids", None, token
        return "GET /notifications", "GET", "/api/v1/notifications", None, token

    def _sort(self) -> str:
        return self.rng.choice(["newest", "ending_soonest", "price_low", "year_newest"])

    def learn(self, path: str, body: dict[str, object] | None, response: httpx.Response) -> None:
        """Keep each lot's next minimum (from its board, or from a refused bid), so bids are believable."""
        data = response.json().get("data") or {}
        if path.startswith("/api/v1/lots/") and response.status_code == 200:
            self.minimum[int(data["lot_id"])] = Decimal(data["minimum_next"])
        elif body is not None and response.status_code == 409 and "minimum_next" in data:
            self.minimum[int(str(body["lot_id"]))] = Decimal(data["minimum_next"])


async def one(client: httpx.AsyncClient, load: Load, tally: Tally, due: float) -> None:
    name, method, path, body, token = load.pick()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        response = await client.request(method, path, json=body, headers=headers)
    except httpx.HTTPError:
        tally.errors[name] += 1
        return
    tally.latencies[name].append(time.perf_counter() - due)
    if response.status_code >= 500:
        tally.errors[name] += 1
    elif response.status_code >= 400:
        tally.refused[name] += 1
    load.learn(path, body, response)


def client_for(base: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=30)


async def open_loop(base: str, load: Load, plan: Plan) -> tuple[Tally, float]:
    tally, tasks = Tally(), []
    rng = random.Random(11)
    async with client_for(base) as client:
        start = time.perf_counter()
        due = start
        while due - start < plan.seconds:
            due += rng.expovariate(plan.rate)
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(client, load, tally, due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return tally, elapsed


async def closed_loop(base: str, load: Load, clients: int, seconds: float) -> Tally:
    tally = Tally()
    async with client_for(base) as client:
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < stop:
                await one(client, load, tally, time.perf_counter())

        await asyncio.gather(*(worker() for _ in range(clients)))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a tiny run in seconds")
    args = parser.parse_args()
    plan = SMOKE if args.smoke else FULL
    os.environ.setdefault("BCRYPT_ROUNDS", "4")  # the bench measures the API, not password hashing
    os.environ.setdefault("JWT_SECRET", uuid.uuid4().hex * 2)
    os.environ.setdefault("COOKIE_KEY", uuid.uuid4().hex * 2)
    out: list[str] = []
    with scratch_database(os.environ.get("DATABASE_URL", DEFAULT_SERVER)) as url:
        os.environ.update({"DATABASE_URL": url, "DEMO_MODE": "false"})
        tokens, lots = prepare(url, plan)
        with api_server(url) as base:
            load = Load(tokens, lots, seed=7)
            out.append(f"users={len(tokens)} live_lots={len(lots)} target={plan.rate:.0f} req/s "
                       f"for {plan.seconds:.0f} s, 2 uvicorn workers, PostgreSQL")
            tally, elapsed = asyncio.run(open_loop(base, load, plan))
            report(tally, elapsed, out)
            saturation = 0.0
            for clients in plan.ramp:
                ramp = asyncio.run(closed_loop(base, load, clients, plan.ramp_seconds))
                rps = ramp.total() / plan.ramp_seconds
                saturation = max(saturation, rps)
                out.append(f"closed loop {clients:>4} clients: {rps:>7.1f} req/s, p95 "
                           f"{pct([v for values in ramp.latencies.values() for v in values], .95):.1f} ms, "
                           f"errors {sum(ramp.errors.values())}")
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
