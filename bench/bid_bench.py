"""Bid benchmark (PostgreSQL): the domain service against the same bid transaction as raw SQL.

    python -m bench.bid_bench            # the issue's figures, about 6 minutes
    python -m bench.bid_bench --smoke    # seconds, 2 processes, 1 run each: CI runs it so it never rots

(a) pgbench runs bench/bid_txn.sql -- every statement bid_place sends, as raw SQL -- with 64 clients for
    20 s, on one hot lot and over 10,000 lots; median of 3 runs.
(b) The service: 64 bidders (threads) in 4 processes, closed loop, 20 s, hot and spread; median of 3:
    accepted bids/s, p50 and p95.
(c) Open loop: bids arrive at a fixed rate (200/s over 10,000 lots + 20/s on the hot lot) whatever the
    answers do, and latency counts from the moment each bid was due (no coordinated omission).
(d) After every service run, each accepted bid is looked up and every bid-on lot is replayed through
    domain.bidding.rules.replay: an accepted bid missing, a row nobody was told about, or a lot whose
    price, leader, maximum or counters differ from the replay counts as lost.

Then "where the time goes": one bidder, statement by statement, and the lock's hold time. The last line
is what the issue tracks:

    RESULT hot_ratio=<service hot / pgbench hot> spread_ratio=<service spread / pgbench spread>
           p95_ms=<open-loop p95> lost=<n>

A scratch database is made on the server named by DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), migrated with Alembic, loaded before any timing starts
and dropped at the end. Every run starts from the same state: bids, audit, notifications and change log
emptied, lots back to no bids, then VACUUM ANALYZE and CHECKPOINT.

Bidders bid a maximum that grows with the clock (1 rupee a microsecond), as a crowd chasing a hot car
does, so nearly every bid is accepted and the figures measure the write path rather than refusals: even
bids made a few microseconds apart (a batch of answers wakes many bidders at once) differ by a step. The
bench installs a ladder of seven bands (as many as the default) stepping by 1 rupee, so a hot lot taking
thousands of bids a run stays far below the largest price a form accepts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import threading
import time
import traceback
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from bench.api_bench import DEFAULT_REDIS
from data.bulk import copy_rows
from data.db import use_database
from data.scratch import scratch_postgres

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
BID_SQL = Path(__file__).with_name("bid_txn.sql")
START_PRICE = Decimal(100_000)  # rupees, every lot
LOTS_PER_AUCTION = 5
USERS_PER_BIDDER = 8  # each bidder thread bids as one of its own few users
HOT_LOT = 1
DEALER_USER = 1
OPEN_WORKERS = 12  # per process: 4 x 12 connections leave room under max_connections = 100
CHILD_TIMEOUT_S = 300
ROOM_WAIT_S = 120  # the server may be shared: wait this long for others' connections to go
CONNECTION_SLACK = 4  # the parent's own connections
NOW = datetime.now(UTC)


@dataclass(frozen=True)
class Plan:
    lots: int  # spread lots, besides the hot one
    processes: int
    threads: int  # per process
    seconds: float  # each closed-loop run
    runs: int
    pgbench_clients: int
    pgbench_seconds: int
    open_seconds: float
    open_spread_rate: float  # bids/s over the spread lots
    open_hot_rate: float  # bids/s on the hot lot
    profile_bids: int  # one bidder, statement by statement

    @property
    def bidders(self) -> int:
        return self.processes * self.threads


FULL = Plan(lots=10_000, processes=4, threads=16, seconds=20, runs=3, pgbench_clients=64, pgbench_seconds=20,
            open_seconds=20, open_spread_rate=200, open_hot_rate=20, profile_bids=300)
SMOKE = Plan(lots=200, processes=2, threads=4, seconds=2, runs=1, pgbench_clients=8, pgbench_seconds=2,
             open_seconds=3, open_spread_rate=40, open_hot_rate=5, profile_bids=50)


# --- the scratch store -----------------------------------------------------------------


def scratch_database(server: str) -> AbstractContextManager[str]:
    return scratch_postgres(server, prefix="bench_bid")


def paise(rupees: Decimal) -> int:
    return int(rupees * 100)


def seed(engine: Engine, plan: Plan) -> None:
    """One store, its dealer, the bidders, one hot lot in its own auction and the spread lots, five to
    an auction; every lot open for a week. Loaded with COPY before any timing."""
    users = 1 + plan.bidders * USERS_PER_BIDDER
    copy_rows(engine, "users", ("id", "email", "name", "timezone", "password_hash", "status", "created_at",
                                "updated_at", "password_changed_at"),
              [(u, f"user{u}@bench.test", f"Bench User {u}", "Asia/Kolkata", "!", "active", NOW, NOW, NOW)
               for u in range(1, users + 1)])
    copy_rows(engine, "user_roles", ("user_id", "role"),
              [(u, "bidder") for u in range(1, users + 1)] + [(DEALER_USER, "dealer")])
    copy_rows(engine, "dealers", ("id", "user_id", "store_name", "address", "city", "postal_code", "status",
                                  "created_at", "updated_at"),
              [(1, DEALER_USER, "Bench Motors", "1 Main Road", "Pune", "411001", "verified", NOW, NOW)])
    lots = plan.lots + 1
    auctions = 1 + -(-plan.lots // LOTS_PER_AUCTION)
    ends = NOW + timedelta(days=7)
    copy_rows(engine, "auctions", ("id", "dealer_id", "title", "description", "status", "starts_at",
                                   "ends_at", "soft_close_window_s", "soft_close_extension_s",
                                   "created_at", "updated_at"),
              [(a, 1, f"Bench sale {a}", "", "scheduled", NOW - timedelta(hours=1), ends, 120, 120,
                NOW, NOW) for a in range(1, auctions + 1)])
    copy_rows(engine, "cars", ("id", "dealer_id", "vin", "make", "model", "variant", "year", "body_type",
                               "fuel", "transmission", "engine_cc", "odometer_km", "registration_year",
                               "owners", "colour", "city", "title_status", "damage", "condition_grade",
                               "description", "photos", "status", "listing_lot_id", "listing_price",
                               "listing_ends_at", "created_at", "updated_at"),
              [(c, 1, f"BNCHBID{c:010d}", "Maruti Suzuki", "Swift", "VXI", 2019, "hatchback", "petrol",
                "manual", 1197, 42_000, 2019, 1, "Red", "Pune", "clean", "none", 4, "", "[]", "available",
                c, paise(START_PRICE), ends, NOW, NOW) for c in range(1, lots + 1)])
    copy_rows(engine, "lots", ("id", "auction_id", "car_id", "lot_number", "starting_price", "reserve_price",
                               "bid_count", "bidder_count", "ends_at", "extended", "version"),
              [(lot, *lot_place(lot), lot, paise(START_PRICE), reserve(lot), 0, 0, ends, False, 0)
               for lot in range(1, lots + 1)])
    with engine.begin() as conn:  # the migration seeds the default ladder: the bench's replaces it
        conn.execute(text("DELETE FROM increment_bands"))
    copy_rows(engine, "increment_bands", ("min_price", "step"),
              [(paise(Decimal(low)), 100) for low in (0, 10_000, 100_000, 500_000, 1_000_000, 2_500_000,
                                                      5_000_000)])
    with engine.begin() as conn:
        for table in ("users", "dealers", "auctions", "cars", "lots"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))


def lot_place(lot: int) -> tuple[int, int]:
    """(auction, lot number): the hot lot alone in auction 1, then five lots an auction."""
    if lot == HOT_LOT:
        return 1, 1
    return 2 + (lot - 2) // LOTS_PER_AUCTION, 1 + (lot - 2) % LOTS_PER_AUCTION


def reserve(lot: int) -> int | None:
    """Half the lots have a reserve a little above the start, so replays cross it too."""
    return paise(START_PRICE + 500) if lot % 2 == 0 else None


def reset(engine: Engine, clients: int) -> None:
    """Back to no bids, then vacuum and checkpoint: every run starts from the same store. Then wait
    (a while) until the server has room for this run's connections: it may be shared."""
    with engine.begin() as conn:
        # The audit log refuses TRUNCATE (migration 0010); the bench's scratch store lifts its triggers
        # for this reset only (it connects as the server's superuser).
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("TRUNCATE bids, audit_log, change_log, notifications, lot_bidders, "
                          "auction_participants"))
        conn.execute(text("UPDATE lots SET current_price = NULL, leader_id = NULL, leader_max = NULL, "
                          "bid_count = 0, bidder_count = 0, version = 0 WHERE version > 0"))
        conn.execute(text("UPDATE cars SET listing_price = :start WHERE listing_price <> :start"),
                     {"start": paise(START_PRICE)})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        conn.execute(text("CHECKPOINT"))
        wait_for_room(conn, clients)


def wait_for_room(conn: Any, clients: int) -> None:
    free = text("SELECT current_setting('max_connections')::int "
                "- current_setting('superuser_reserved_connections')::int - count(*) FROM pg_stat_activity")
    deadline = time.monotonic() + ROOM_WAIT_S
    while (room := int(conn.execute(free).scalar_one())) < clients + CONNECTION_SLACK:
        if time.monotonic() > deadline:
            print(f"warning: the server has room for {room} more connections; this run needs {clients}")
            return
        time.sleep(1)


# --- (a) pgbench --------------------------------------------------------------------------


def pgbench(url: str, plan: Plan, lots: tuple[int, int], seconds: int) -> float | None:
    """Transactions per second of bid_txn.sql; None when pgbench is not installed."""
    if shutil.which("pgbench") is None:
        return None
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    bidders = (DEALER_USER + 1, DEALER_USER + plan.bidders * USERS_PER_BIDDER)
    command = ["pgbench", "-n", "-M", "prepared", "-c", str(plan.pgbench_clients), "-j", "2",
               "-T", str(seconds), "-f", str(BID_SQL), "-D", f"lot_lo={lots[0]}", "-D", f"lot_hi={lots[1]}",
               "-D", f"bidder_lo={bidders[0]}", "-D", f"bidder_hi={bidders[1]}", libpq]
    # A fixed argument list, no shell: the only outside value is our own scratch database's URL.
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120,  # noqa: S603
                          check=False)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    if done.returncode != 0 or tps is None or (failed and int(failed.group(1))):
        raise RuntimeError(f"pgbench failed:\n{done.stdout}\n{done.stderr}")
    return float(tps.group(1))


def pgbench_latency_ms(url: str, seconds: int) -> float | None:
    """One client, one bid at a time: the raw transaction's own latency."""
    if shutil.which("pgbench") is None:
        return None
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    command = ["pgbench", "-n", "-M", "prepared", "-c", "1", "-T", str(seconds), "-f", str(BID_SQL),
               "-D", "lot_lo=2", "-D", "lot_hi=2", "-D", "bidder_lo=2", "-D", "bidder_hi=9", libpq]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,  # noqa: S603
                          check=True)
    found = re.search(r"latency average = ([\d.]+) ms", done.stdout)
    return float(found.group(1)) if found else None


# --- (b, c) the service, in child processes ---------------------------------------------------


@dataclass(frozen=True)
class Job:
    url: str
    actors: tuple[Any, ...]  # Actor: frozen dataclasses, rebuilt by actor_load in the parent
    lots: tuple[int, int]  # the lot ids to bid on, inclusive
    seconds: float
    threads: int = 0  # closed loop: this many bidders, each waiting for its answer
    rates: tuple[float, float] = (0.0, 0.0)  # open loop: (spread, hot) bids/s from this process
    seed: int = 0
    origin_ns: int = 0  # amounts grow from here


@dataclass
class Tally:
    """One process's answers. `accepted` holds every accepted bid, in or out of the window."""

    accepted: list[tuple[int, int, int, Decimal]] = field(default_factory=list)  # bid, lot, bidder, max
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    in_window: int = 0
    refused: int = 0
    refused_in_window: int = 0  # closed loop: refusals also hold the lot's lock
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.accepted += other.accepted
        for kind, values in other.latencies_ms.items():
            self.latencies_ms[kind] += values
        self.in_window += other.in_window
        self.refused += other.refused
        self.refused_in_window += other.refused_in_window
        self.errors += other.errors


def amount_now(origin_ns: int) -> Decimal:
    """A maximum that grows with the clock: 1 rupee a microsecond, so later bids beat earlier ones."""
    return START_PRICE + Decimal((time.time_ns() - origin_ns) // 1_000)


def one_bid(actor: Any, lot_id: int, origin_ns: int, tally: Tally, lock: threading.Lock) -> bool:
    from domain.bidding.rules import BidTooLow
    from domain.bidding.service import bid_place

    amount = amount_now(origin_ns)
    try:
        receipt = bid_place(actor, lot_id=lot_id, maximum=amount, key=uuid.uuid4().hex)
    except BidTooLow:
        with lock:
            tally.refused += 1
        return False
    with lock:
        tally.accepted.append((receipt.bid_id, lot_id, actor.id, amount))
    return True


def closed_loop(job: Job, barrier: Barrier, out: Any) -> None:
    """`job.threads` bidders, each bidding again as soon as it has its answer."""
    @reporting
    def bidder(index: int, gate: Gate, tally: Tally, lock: threading.Lock) -> None:
        rng = random.Random(job.seed * 1_000 + index)
        mine = job.actors[index * USERS_PER_BIDDER:(index + 1) * USERS_PER_BIDDER]
        warm_up()
        gate.arrive()
        deadline = time.monotonic() + job.seconds
        while (began := time.monotonic()) < deadline:
            accepted = one_bid(rng.choice(mine), rng.randint(*job.lots), job.origin_ns, tally, lock)
            ended = time.monotonic()
            if ended > deadline:
                continue
            with lock:
                if accepted:
                    tally.in_window += 1
                    tally.latencies_ms["all"].append((ended - began) * 1_000)
                else:
                    tally.refused_in_window += 1

    run_child(job, barrier, out, lambda tally, lock, gate: [
        threading.Thread(target=bidder, args=(n, gate, tally, lock)) for n in range(job.threads)],
        job.threads)


def open_loop(job: Job, barrier: Barrier, out: Any) -> None:
    """Bids fall due on a Poisson schedule at the job's rates, answered or not; latency counts from due."""
    @reporting
    def dispatcher(_n: int, gate: Gate, tally: Tally, lock: threading.Lock) -> None:
        rng = random.Random(job.seed)
        schedule = arrivals(rng, job.rates, job.seconds)
        with ThreadPoolExecutor(OPEN_WORKERS) as pool:
            list(pool.map(lambda _: warm_up(), range(OPEN_WORKERS)))
            gate.arrive()
            origin = time.monotonic()
            for due, kind in schedule:
                time.sleep(max(0.0, origin + due - time.monotonic()))
                lot = HOT_LOT if kind == "hot" else rng.randint(*job.lots)
                pool.submit(timed_bid, Due(rng.choice(job.actors), lot, origin + due, kind), job.origin_ns,
                            tally, lock)

    run_child(job, barrier, out, lambda tally, lock, gate: [
        threading.Thread(target=dispatcher, args=(0, gate, tally, lock))], 1)


def arrivals(rng: random.Random, rates: tuple[float, float], seconds: float) -> list[tuple[float, str]]:
    due: list[tuple[float, str]] = []
    for rate, kind in zip(rates, ("spread", "hot"), strict=True):
        moment = rng.expovariate(rate) if rate else seconds
        while moment < seconds:
            due.append((moment, kind))
            moment += rng.expovariate(rate)
    return sorted(due)


@dataclass(frozen=True)
class Due:
    """One open-loop bid: who, where, and when it fell due (monotonic seconds)."""

    actor: Any
    lot: int
    at: float
    kind: str


def timed_bid(due: Due, origin_ns: int, tally: Tally, lock: threading.Lock) -> None:
    try:
        accepted = one_bid(due.actor, due.lot, origin_ns, tally, lock)
    except Exception:  # an open-loop worker must report its failure, not vanish in the pool
        with lock:
            tally.errors.append(traceback.format_exc())
        return
    if accepted:
        with lock:
            tally.in_window += 1
            tally.latencies_ms[due.kind].append((time.monotonic() - due.at) * 1_000)


def warm_up() -> None:
    """Import the service, open this thread's pooled connection and compile the statements before the
    clock starts."""
    import domain.bidding.service  # noqa: F401
    from data.bid_store import bid_statements_warm
    from data.db import get_engine

    bid_statements_warm(get_engine())


ThreadBody = Callable[[int, "Gate", Tally, threading.Lock], None]


def reporting(body: ThreadBody) -> ThreadBody:
    """A thread that fails puts its traceback in the tally (the parent raises it) and lets the others
    go: it breaks the gate, which releases everyone waiting there."""
    def run(index: int, gate: Gate, tally: Tally, lock: threading.Lock) -> None:
        try:
            body(index, gate, tally, lock)
        except BaseException:
            with lock:
                tally.errors.append(traceback.format_exc())
            gate.ready.abort()
            gate.go.abort()
    return run


class Gate:
    """Threads warm up, then wait; they go together once every process has warmed up too."""

    def __init__(self, threads: int) -> None:
        self.ready, self.go = threading.Barrier(threads + 1), threading.Barrier(threads + 1)

    def arrive(self) -> None:
        self.ready.wait(CHILD_TIMEOUT_S)
        self.go.wait(CHILD_TIMEOUT_S)

    def open(self, processes: Barrier) -> None:
        self.ready.wait(CHILD_TIMEOUT_S)  # this process's threads are warm ...
        processes.wait(CHILD_TIMEOUT_S)  # ... and every other process's ...
        self.go.wait(CHILD_TIMEOUT_S)  # ... so all of them start now


Threads = Callable[[Tally, threading.Lock, Gate], list[threading.Thread]]


def run_child(job: Job, barrier: Barrier, out: Any, make_threads: Threads, count: int) -> None:
    from data.db import get_engine

    tally, lock = Tally(), threading.Lock()
    try:
        use_database(job.url)
        # Make the engine here, once: get_engine's lru_cache does not lock, so threads calling it first
        # at the same moment would each build an engine and pool of their own.
        get_engine()
        gate = Gate(count)
        threads = make_threads(tally, lock, gate)
        for thread in threads:
            thread.start()
        gate.open(barrier)
        for thread in threads:
            thread.join()
    except BaseException:  # reported by the parent, which would otherwise wait for a silent child
        tally.errors.append(traceback.format_exc())
        barrier.abort()  # the other processes stop waiting for this one
    out.put(tally)


def run_service(plan: Plan, url: str, actors: Sequence[Any], target: Callable[[Job, Barrier, Any], None],
                jobs: Callable[[int, tuple[Any, ...]], Job]) -> tuple[Tally, float]:
    """Start the processes, release them together, gather their tallies; the wall time of the run."""
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no engine crosses a fork
    barrier, out = context.Barrier(plan.processes + 1), context.Queue()
    share = len(actors) // plan.processes
    children = [context.Process(target=target, args=(jobs(p, tuple(actors[p * share:(p + 1) * share])),
                                                     barrier, out)) for p in range(plan.processes)]
    for child in children:
        child.start()
    with suppress(threading.BrokenBarrierError):  # a child failed before the start: its tally says why
        barrier.wait(CHILD_TIMEOUT_S)
    began = time.monotonic()
    total = Tally()
    for _ in children:
        total.add(out.get(timeout=CHILD_TIMEOUT_S))
    elapsed = time.monotonic() - began
    for child in children:
        child.join(30)
    if total.errors:
        raise RuntimeError("a bidder process failed:\n" + "\n".join(total.errors[:3]))
    return total, elapsed


# --- (d) nothing lost -------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    missing: int  # accepted bids not in the store
    unknown: int  # bid rows no bidder was told about
    lots_wrong: int  # lots whose state differs from the replay of their bids
    audit_wrong: int  # bid_place audit entries minus accepted bids

    @property
    def lost(self) -> int:
        return self.missing + self.unknown + self.lots_wrong


def check(accepted: Sequence[tuple[int, int, int, Decimal]]) -> Check:
    """Every accepted bid in the store, and every lot equal to the replay of its bids in commit order."""
    from sqlmodel import col, func, select

    from data.models import AuditLog, Bid, Lot
    from data.uow import UnitOfWork
    from domain.bidding.ladder import ladder_current
    from domain.bidding.rules import LotState, replay

    told = {bid: (lot, bidder, maximum) for bid, lot, bidder, maximum in accepted}
    ladder = ladder_current()
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(col(Bid.id), col(Bid.lot_id), col(Bid.bidder_id), col(Bid.max_amount))
                                .order_by(col(Bid.id))).all()
        lots = {lot.id or 0: lot for lot in uow.session.exec(select(Lot).where(col(Lot.bid_count) > 0)).all()}
        audits = uow.session.exec(select(func.count()).select_from(AuditLog)
                                  .where(AuditLog.action == "bid_place")).one()
    stored = {bid or 0: (lot, bidder, maximum) for bid, lot, bidder, maximum in rows}
    by_lot: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for _, lot_id, bidder, maximum in rows:
        by_lot[lot_id].append((bidder, maximum))
    wrong = 0
    for lot_id in set(by_lot) | set(lots):
        lot = lots.get(lot_id)
        bids = by_lot.get(lot_id, [])
        if lot is None:
            wrong += 1
            continue
        decisions = replay(LotState(lot.starting_price, lot.reserve_price), bids, ladder)
        final = decisions[-1].state if decisions else LotState(lot.starting_price, lot.reserve_price)
        stored_state = (lot.current_price, lot.leader_id, lot.leader_max, lot.bid_count, lot.bidder_count)
        replayed = (final.price, final.leader, final.leader_max, len(bids), len({b for b, _ in bids}))
        wrong += int(len(decisions) != len(bids) or stored_state != replayed)
    return Check(missing=sum(told[b] != stored.get(b) for b in told), unknown=len(set(stored) - set(told)),
                 lots_wrong=wrong, audit_wrong=int(audits) - len(told))


# --- where the time goes ------------------------------------------------------------------------


@dataclass
class Anatomy:
    bids: int = 0
    statements: int = 0
    under_lock: int = 0
    db_ms: float = 0.0
    db_under_lock_ms: float = 0.0
    lock_ms: float = 0.0
    wall_ms: float = 0.0


def anatomy(url: str, actors: Sequence[Any], plan: Plan) -> Anatomy:
    """One bidder, one bid at a time, statement by statement: what runs while the lot is locked."""
    from sqlalchemy.orm import Session

    from data.db import get_engine

    use_database(url)
    engine, runs = get_engine(), [Anatomy()]
    clock: dict[str, float] = {}

    def before(*_: Any) -> None:
        clock["statement"] = time.perf_counter()

    def after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        spent, seen = (time.perf_counter() - clock["statement"]) * 1_000, runs[-1]
        seen.statements += 1
        seen.db_ms += spent
        if "lock" in clock:
            seen.under_lock += 1
            seen.db_under_lock_ms += spent
        if "FOR UPDATE" in statement:
            clock["lock"] = time.perf_counter()

    def committed(_session: Any) -> None:
        if "lock" in clock:
            runs[-1].lock_ms += (time.perf_counter() - clock.pop("lock")) * 1_000

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(Session, "after_commit", committed)
    rng, tally, lock = random.Random(5), Tally(), threading.Lock()
    try:
        origin = time.time_ns()
        for _ in range(5):  # warm: connection, compiled statements
            one_bid(actors[0], 2 + rng.randrange(plan.lots), origin, tally, lock)
        seen = Anatomy()
        runs.append(seen)
        began = time.perf_counter()
        for _ in range(plan.profile_bids):
            seen.bids += one_bid(actors[rng.randrange(len(actors))], 2 + rng.randrange(plan.lots), origin,
                                 tally, lock)
        seen.wall_ms = (time.perf_counter() - began) * 1_000
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        event.remove(Session, "after_commit", committed)
    return seen


# --- the run ------------------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def ratio(service: float, raw: float | None) -> str:
    return f"{service / raw:.2f}" if raw else "n/a"


def bench_pgbench(url: str, plan: Plan, engine: Engine, spread: tuple[int, int]) -> dict[str, float | None]:
    found: dict[str, float | None] = {}
    for name, lots in (("hot", (HOT_LOT, HOT_LOT)), ("spread", spread)):
        rates = []
        for run in range(plan.runs):
            reset(engine, plan.pgbench_clients)
            rates.append(pgbench(url, plan, lots, plan.pgbench_seconds))
            print(f"(a) pgbench {name} run {run + 1}: {rates[-1] or 0:,.0f} bids/s")
        found[name] = median(rates)
    return found


def bench_closed(url: str, plan: Plan, engine: Engine, actors: Sequence[Any],
                 spread: tuple[int, int]) -> tuple[dict[str, float], int]:
    found, lost = {}, 0
    for name, lots in (("hot", (HOT_LOT, HOT_LOT)), ("spread", spread)):
        rates = []
        for run in range(plan.runs):
            reset(engine, plan.bidders)
            origin = time.time_ns()  # one origin for every process: their amounts are comparable

            def job(p: int, mine: tuple[Any, ...], lots: tuple[int, int] = lots, run: int = run,
                    origin: int = origin) -> Job:
                return Job(url, mine, lots, plan.seconds, threads=plan.threads, seed=run * 100 + p,
                           origin_ns=origin)

            tally, _ = run_service(plan, url, actors, closed_loop, job)
            verdict = check(tally.accepted)
            lost += verdict.lost
            rates.append(tally.in_window / plan.seconds)
            latencies = tally.latencies_ms["all"]
            attempts = (tally.in_window + tally.refused_in_window) / plan.seconds
            print(f"(b) service {name} run {run + 1}: {rates[-1]:,.0f} accepted bids/s "
                  f"({attempts:,.0f} attempts/s), p50 {pct(latencies, 0.5):.1f} ms, "
                  f"p95 {pct(latencies, 0.95):.1f} ms, {tally.refused} refused as too low (outbid while "
                  f"queueing); (d) {verdict}")
        found[name] = statistics.median(rates)
    return found, lost


def bench_open(url: str, plan: Plan, engine: Engine, actors: Sequence[Any],
               spread: tuple[int, int]) -> tuple[float, int]:
    reset(engine, plan.processes * OPEN_WORKERS)
    rates = (plan.open_spread_rate / plan.processes, plan.open_hot_rate / plan.processes)
    origin = time.time_ns()

    def job(p: int, mine: tuple[Any, ...]) -> Job:
        return Job(url, mine, spread, plan.open_seconds, rates=rates, seed=1_000 + p, origin_ns=origin)

    tally, elapsed = run_service(plan, url, actors, open_loop, job)
    verdict = check(tally.accepted)
    every = [ms for values in tally.latencies_ms.values() for ms in values]
    offered = (plan.open_spread_rate + plan.open_hot_rate) * plan.open_seconds
    print(f"(c) open loop: {offered:,.0f} bids offered over {plan.open_seconds:.0f} s, "
          f"{len(every):,} accepted, {tally.refused} refused as too low, done in {elapsed:.1f} s")
    for kind, values in (("all", every), *sorted(tally.latencies_ms.items())):
        print(f"    {kind:>6}: p50 {pct(values, 0.5):.1f} ms, p95 {pct(values, 0.95):.1f} ms, "
              f"p99 {pct(values, 0.99):.1f} ms over {len(values):,} bids")
    print(f"(d) open loop: {verdict}")
    return pct(every, 0.95), verdict.lost


def load_actors(count: int) -> list[Any]:
    from data.uow import UnitOfWork
    from domain.accounts.users import actor_load

    with UnitOfWork(write=False) as uow:
        return [actor_load(uow, user) for user in range(DEALER_USER + 1, DEALER_USER + 1 + count)]


def run(url: str, plan: Plan) -> str:
    from data.db import make_engine
    from data.migrate import upgrade_to_head

    engine = make_engine(url)
    upgrade_to_head(engine)
    started = time.monotonic()
    seed(engine, plan)
    use_database(url)
    actors = load_actors(plan.bidders * USERS_PER_BIDDER)
    spread = (HOT_LOT + 1, HOT_LOT + plan.lots)
    print(f"store: {plan.lots:,} spread lots + 1 hot lot, {len(actors):,} bidders, loaded in "
          f"{time.monotonic() - started:.1f} s; {plan.processes} processes x {plan.threads} bidders, "
          f"{plan.seconds:.0f} s runs, {plan.runs} of each; pgbench {plan.pgbench_clients} clients")
    raw = bench_pgbench(url, plan, engine, spread) if plan.pgbench_seconds else {"hot": None, "spread": None}
    service, lost = bench_closed(url, plan, engine, actors, spread)
    p95, open_lost = bench_open(url, plan, engine, actors, spread)
    reset(engine, 1)
    profile = anatomy(url, actors, plan)
    single_raw = pgbench_latency_ms(url, max(2, plan.pgbench_seconds // 4)) if plan.pgbench_seconds else None
    engine.dispose()
    per = max(profile.bids, 1)
    print(f"where the time goes, one bidder, {profile.bids} bids: {profile.wall_ms / per:.2f} ms a bid "
          f"(raw SQL: {single_raw or float('nan'):.2f} ms); {profile.statements / per:.1f} statements a bid, "
          f"{profile.under_lock / per:.1f} with the lot locked; lot locked {profile.lock_ms / per:.2f} ms "
          f"a bid, of which waiting on the database {profile.db_under_lock_ms / per:.2f} ms and Python "
          f"{(profile.lock_ms - profile.db_under_lock_ms) / per:.2f} ms")
    print(f"medians: pgbench hot {raw['hot'] or 0:,.0f}/s, spread {raw['spread'] or 0:,.0f}/s; "
          f"service hot {service['hot']:,.0f}/s, spread {service['spread']:,.0f}/s")
    return (f"RESULT hot_ratio={ratio(service['hot'], raw['hot'])} "
            f"spread_ratio={ratio(service['spread'], raw['spread'])} p95_ms={p95:.1f} "
            f"lost={lost + open_lost}")


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a tiny version in seconds, for CI")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    # Each bid counts against the per-user limit (set out of reach) where production counts it: in Redis
    # (ops.up runs one). Without REDIS_URL the store would count it, a transaction of its own per bid.
    os.environ.update({"DEMO_MODE": "false", "BCRYPT_ROUNDS": "4", "BIDS_PER_USER_PER_MINUTE": "1000000",
                       "REDIS_URL": os.environ.get("REDIS_URL", DEFAULT_REDIS),
                       "JWT_SECRET": os.environ.get("JWT_SECRET") or secrets.token_urlsafe(48),
                       "COOKIE_KEY": os.environ.get("COOKIE_KEY") or secrets.token_urlsafe(48)})
    with scratch_database(server) as url:
        try:
            result = run(url, SMOKE if args.smoke else FULL)
        finally:
            from data.db import get_engine

            get_engine().dispose()  # let go of the scratch database before it is dropped
    print(result)


if __name__ == "__main__":
    main()
