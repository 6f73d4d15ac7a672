"""Live boards by push (GET /live, docs/LIVE.md): what a watcher costs and how fast a bid reaches it.

    python -m bench.live_bench [--watchers N]   # the full run (bench/results/live.txt)
    python -m bench.live_bench --smoke          # well under a minute: CI runs it so it never rots

A scratch PostgreSQL database (server from DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
is made, migrated, seeded with 101 live lots and dropped at the end. Two app servers (`streamlit run app.py`,
`--servers`) share it: a bid reaches the other server only through the store's NOTIFY. Each watcher is a
browser tab as far as its server can tell: it holds a Streamlit session on the lot page (the websocket
protocol, bench/streamlit_client.py) and reads that server's /live stream. Watchers alternate between
the servers; half watch one hot lot, half are spread over the other 100. They run in `--clients`
processes, and bids come from `--drivers` processes, each with its own engine and bidders.

1. Idle: the servers' CPU over a window with nothing happening, per 1,000 watchers (% of one core),
   next to the same servers' CPU before any watcher came; memory growth per watcher (session + stream).
2. Bids through the domain service (`bid_place`, the page's path) at 20/s and then 200/s (targets: the
   achieved rate of accepted bids is printed), every other one on the hot lot up to 20/s (HOT_LOT_RATE),
   the rest over the others: latency from `bid_place` returning
   (committed) in a driver to each watcher of that lot receiving a board with that bid counted.
   A bid's place in its lot (k) is its rank by id among the lot's bids (ids are drawn under the lot's
   lock, so in commit order): drivers may race on a lot.
3. Every watcher's boards must have rising versions (else out of order) and end at the store's final
   bid count (else lost), on both servers.
4. Polling, in the same run: today's fallback costs a rerun every 2 s per watcher: the CPU of one rerun
   of pages/lot.py under AppTest without Streamlit's after-run collection (the shipped setting, the
   polling board's best), so polling watchers per core = 2 s / that; ratio_vs_polling = idle push
   watchers per core / that. AppTest skips the protocol and delta messages a real rerun also pays:
   polling's real cost is higher (bench/board_bench.py measures it from outside).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import itertools
import math
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench.api_bench import DEFAULT_REDIS

os.environ.setdefault("JWT_SECRET", "bench-jwt-secret-0123456789-abcdefghijklmnop")
os.environ.setdefault("COOKIE_KEY", "bench-cookie-key-0123456789-abcdefghijklmnop")
os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ["DEMO_MODE"] = "false"
os.environ.setdefault("BIDS_PER_USER_PER_MINUTE", "1000000")  # measuring bidding, not the per-user limit
# Each bid counts against that limit where production counts it: in Redis (ops.up runs one). Without
# REDIS_URL the store would count it, a transaction of its own per bid: a third of a driver's CPU.
os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)

from bench.streamlit_client import ROOT, Tab, hold_tab, launch_app, rss_mb, wait_healthy
from data.scratch import scratch_postgres

RATES = (20, 200)
# One lot's bids queue on its row lock, one commit after another: the busiest car in the last minute of
# a sale gets a few bids a second; 20 a second is already far past that (and past what this shared
# machine commits on one row: 48 a second when half of 200/s went to one lot).
HOT_LOT_RATE = 20
BIDDERS_PER_DRIVER = 8
BOARD = re.compile(rb'^data: \{"lot_id": (\d+), "version": (\d+),.*?"bid_count": (\d+)', re.MULTILINE)
EVENT_ID = re.compile(rb"^id: (.*?)\r?$", re.MULTILINE)
SPAWN = multiprocessing.get_context("spawn")  # fresh interpreters: no engine or thread crosses a fork


@dataclass
class Watcher:
    port: int
    lots: list[int]
    seen: dict[int, list[tuple[int, int, float]]] = field(default_factory=lambda: defaultdict(list))
    reconnects: int = 0  # (lot -> (version, bid count, when)) above; the server dropped it this often
    tab: Tab = field(default_factory=Tab)
    back_after: list[float] = field(default_factory=list)  # s from a drop to the server's first answer

    async def listen(self, token: str, stop: asyncio.Event) -> None:
        """Read the stream; when the server drops this watcher (it fell behind), reconnect with the
        last event id, as a browser's EventSource does."""
        last_id, dropped_at = "", 0.0
        while not stop.is_set():
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
            resume = f"Last-Event-ID: {last_id}\r\n" if last_id else ""
            writer.write(f"GET /live?lots={','.join(map(str, self.lots))} HTTP/1.1\r\nHost: bench\r\n"
                         f"Cookie: auction_session={token}\r\n{resume}"
                         "Accept: text/event-stream\r\n\r\n".encode())
            await writer.drain()
            pending = b""
            while chunk := await reader.read(1 << 16):  # whole reads, not lines: the client keeps up
                now, pending = time.monotonic(), pending + chunk
                if dropped_at:  # the first answer after a drop: how long the server took to take us back
                    self.back_after.append(now - dropped_at)
                    dropped_at = 0.0
                complete = pending.rfind(b"\n\n") + 2  # events are whole up to the last blank line
                events, pending = pending[:complete], pending[complete:]
                for board in BOARD.finditer(events):
                    lot, version, count = (int(value) for value in board.groups())
                    self.seen[lot].append((version, count, now))
                if ids := EVENT_ID.findall(events):
                    last_id = ids[-1].decode()
            writer.close()
            self.reconnects += not stop.is_set()
            dropped_at = time.monotonic()

    def caught_up(self, final: dict[int, int]) -> bool:
        return all(self.seen.get(lot) and self.seen[lot][-1][1] == final[lot] for lot in self.lots)

    def result(self) -> tuple[int, list[int], dict[int, list[tuple[int, int, float]]], int, list[float]]:
        return self.port, self.lots, dict(self.seen), self.reconnects, self.back_after


# ---- watcher processes -------------------------------------------------------------------------------

def watch_main(conn: Connection, specs: list[tuple[int, list[int]]], token: str) -> None:
    """A client process: its watchers connect (tab first, then stream), report ready, hold until told
    to stop, then send back what each saw."""
    asyncio.run(_watch(conn, [Watcher(port, lots) for port, lots in specs], token))


async def _watch(conn: Connection, watchers: list[Watcher], token: str) -> None:
    stop = asyncio.Event()
    opening = asyncio.Semaphore(8)  # first page runs in flight per client: a server runs each in a thread

    async def open_tab(watcher: Watcher) -> None:
        async with opening:
            tab = asyncio.create_task(hold_tab(watcher.port, token, watcher.lots[0], watcher.tab, stop))
            await asyncio.wait({tab, asyncio.create_task(watcher.tab.ready.wait())},
                               return_when=asyncio.FIRST_COMPLETED)
        listen = asyncio.create_task(watcher.listen(token, stop))
        await asyncio.gather(tab, listen)

    tasks = [asyncio.create_task(open_tab(watcher)) for watcher in watchers]
    while sum(bool(w.seen) and w.tab.ready.is_set() for w in watchers) < len(watchers):
        failed = [task.exception() for task in tasks if task.done() and task.exception()]
        if failed:
            conn.send(("failed", repr(failed[0])))
            return
        await asyncio.sleep(0.2)
    conn.send(("ready", len(watchers)))
    final: dict[int, int] = await asyncio.to_thread(conn.recv)  # "stop": each lot's final bid count
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(w.caught_up(final) for w in watchers):
        await asyncio.sleep(0.1)  # a board still on its way is late, not lost; 30 s on, it is lost
    stop.set()
    conn.send(("seen", [watcher.result() for watcher in watchers]))
    for task in tasks:
        task.cancel()  # a stream never ends on its own


# ---- driver processes --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    rate: float
    seconds: float
    start_at: float  # time.monotonic(): one clock for every process on this machine
    first_slot: int  # maxima keep rising from one rate's run to the next


@dataclass(frozen=True)
class Driver:
    url: str
    bidders: list[Any]  # its own: no other driver bids as them
    lots: list[int]
    index: int  # this driver's slots: index, index + count, …
    count: int


def drive_main(conn: Connection, driver: Driver) -> None:
    """A driver process: its own engine; runs each Job it is sent and answers with its bids."""
    os.environ["DATABASE_URL"] = driver.url
    importlib.import_module("tests.support.stores").use_store(driver.url)
    from domain.bidding import service  # noqa: F401  # imported before the clock starts
    conn.send("ready")
    while (job := conn.recv()) is not None:
        conn.send(_drive(job, driver.bidders, driver.lots, driver.index, driver.count))


def _drive(job: Job, bidders: list[Any], lots: list[int], index: int,
           count: int) -> tuple[list[tuple[int, float]], int, list[str]]:
    """Slots index, index+count, … of a schedule of `job.rate` bids/s: every other slot on the hot lot
    up to HOT_LOT_RATE, the rest round the others. A slot's maximum rises with the slot, so bids mostly
    arrive in the order that keeps them all valid; a racing one that lost (too low by then) is counted
    as refused."""
    from domain.bidding import service
    from domain.errors import DomainError

    placed: list[tuple[int, float]] = []  # (bid id, committed at)
    refused, errors = [0], []

    every = hot_lot_every(job.rate)

    def one(slot: int) -> None:
        others = (slot // every) * (every - 1) + slot % every - 1  # this slot's rank among the others'
        lot = lots[0] if slot % every == 0 else lots[1 + others % (len(lots) - 1)]
        bidder = bidders[(slot // count) % len(bidders)]  # never the bidder of the lot's previous slot
        maximum = Decimal(400000 + 25000 * (job.first_slot + slot))
        try:
            receipt = service.bid_place(bidder, lot_id=lot, maximum=maximum, key=uuid.uuid4().hex)
        except DomainError:
            refused[0] += 1
            return
        except Exception as error:  # reported, never hidden: the run's figures would be wrong
            errors.append(repr(error))
            return
        placed.append((receipt.bid_id, time.monotonic()))

    with ThreadPoolExecutor(max_workers=8) as pool:  # a connection each: the store serves 100 in all
        for slot in itertools.count(index, count):
            due = job.start_at + slot / job.rate
            if due - job.start_at >= job.seconds:
                break
            time.sleep(max(0.0, due - time.monotonic()))
            pool.submit(one, slot)
    return placed, refused[0], errors[:3]


def hot_lot_every(rate: float) -> int:
    """One slot in this many goes to the hot lot: every other one, at most HOT_LOT_RATE a second."""
    return max(2, math.ceil(rate / HOT_LOT_RATE))


# ---- the run -----------------------------------------------------------------------------------------

def seed(lots: int, bidders: int) -> tuple[list[int], list[Any], str]:
    from data.types import utcnow
    from data.uow import UnitOfWork
    from domain.accounts import auth
    factories = importlib.import_module("tests.support.factories")  # test helpers, not part of the app
    live_lot, make_dealer, make_user = factories.live_lot, factories.make_dealer, factories.make_user

    dealer = make_dealer()
    lot_ids = [live_lot(dealer, reserve=None, buy_now=None).id or 0 for _ in range(lots)]
    people = [make_user(email=f"{uuid.uuid4().hex}@bench.example") for _ in range(bidders)]
    watcher = make_user(email=f"{uuid.uuid4().hex}@bench.example")
    with UnitOfWork() as uow:
        _, token = auth.session_open(uow, user_id=watcher.id, address="bench", now=utcnow())
        uow.commit()
    return lot_ids, people, token


def polling_rerun_cpu(lot_id: int, runs: int) -> float:
    """CPU seconds of one rerun of the lot page, Streamlit's after-run collection off (as shipped)."""
    from streamlit.testing.v1 import AppTest

    ours = sys.modules["__main__"]  # AppTest's runs leave the page there: spawned processes need ours

    page_as = importlib.import_module("tests.app.conftest").page_as
    make_user = importlib.import_module("tests.support.factories").make_user
    at = page_as(make_user(email=f"{uuid.uuid4().hex}@bench.example"), "pages/lot.py", id=lot_id)
    assert isinstance(at, AppTest) and not at.exception
    gc.collect()
    start = time.process_time()
    for _ in range(runs):
        at.run()
    spent = (time.process_time() - start) / runs
    sys.modules["__main__"] = ours
    return spent


def proc_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Servers:
    """The app servers on one store, launched together (they boot while the store is seeded); their
    CPU and memory summed."""

    def __init__(self, count: int, url: str, logs: Path) -> None:
        env = dict(os.environ) | {"DATABASE_URL": url, "LIVE_PUSH": "true"}
        self.logs = [logs / f"server-{n}.log" for n in range(count)]
        launched = [launch_app(env, log) for log in self.logs]
        self.processes = [process for process, _ in launched]
        self.ports = [port for _, port in launched]

    def wait_healthy(self) -> None:
        for process, port, log in zip(self.processes, self.ports, self.logs, strict=True):
            wait_healthy(process, port, log)

    def cpu(self) -> float:
        return sum(proc_cpu(process.pid) for process in self.processes)

    def rss_mb(self) -> float:
        return sum(rss_mb(process.pid) for process in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.kill()  # a graceful stop would wait for every watcher's stream to end
            process.wait(10)


async def cpu_over(servers: Servers, seconds: float) -> float:
    """The servers' CPU over the next `seconds`, as % of one core."""
    cpu0, t0 = servers.cpu(), time.monotonic()
    await asyncio.sleep(seconds)
    return (servers.cpu() - cpu0) / (time.monotonic() - t0) * 100


def start_processes(target: Any, argsets: list[tuple[Any, ...]]) -> list[tuple[Any, Connection]]:
    started = []
    for args in argsets:
        here, there = SPAWN.Pipe()
        process = SPAWN.Process(target=target, args=(there, *args), daemon=True)
        process.start()
        started.append((process, here))
    return started


def expect(conn: Connection, kind: str, timeout: float) -> Any:
    if not conn.poll(timeout):
        raise TimeoutError(f"no {kind!r} from a bench process within {timeout:.0f} s")
    message = conn.recv()
    if kind == "ready" and message == "ready":
        return message
    if message[0] != kind:
        raise RuntimeError(f"a bench process answered {message!r}")
    return message[1]


def measure(args: argparse.Namespace, url: str, servers: Servers, *, lots: list[int], bidders: list[Any],
            token: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    clients: list[tuple[Any, Connection]] = []
    drivers: list[tuple[Any, Connection]] = []
    try:
        servers.wait_healthy()
        warm = start_processes(watch_main, [([(port, [lots[0]]) for port in servers.ports], token)])
        expect(warm[0][1], "ready", 300)  # first page run and first stream: imports, the feed's LISTEN
        warm[0][1].send({lots[0]: 0})
        expect(warm[0][1], "seen", 30)
        stage("servers up and warm")
        out["baseline_cpu_pct"] = asyncio.run(cpu_over(servers, args.idle_seconds))
        rss_before = servers.rss_mb()
        hot, spread = lots[0], lots[1:]
        out["hot_lot"] = hot
        # Watcher n: hot or spread by n's parity, its server by n // 2, so each server has both kinds
        # (by n alone, with two servers, every hot watcher was on the first, every spread one on the other).
        specs = [(servers.ports[(n // 2) % args.servers],
                  [hot] if n % 2 == 0 else [spread[(n // 2) % len(spread)]]) for n in range(args.watchers)]
        clients = start_processes(watch_main, [(specs[n::args.clients], token)
                                                 for n in range(args.clients)])
        drivers = start_processes(drive_main, [(Driver(url, bidders[n::args.drivers], lots, n,
                                                         args.drivers),) for n in range(args.drivers)])
        started = time.monotonic()
        for _, conn in clients:
            expect(conn, "ready", 1800)
        out["connect_s"] = time.monotonic() - started
        stage(f"{args.watchers} watchers connected (sessions and streams) in {out['connect_s']:.0f} s")
        for _, conn in drivers:
            expect(conn, "ready", 120)
        time.sleep(2)
        out["idle_cpu_pct"] = asyncio.run(cpu_over(servers, args.idle_seconds))
        out["mem_per_watcher_kib"] = (servers.rss_mb() - rss_before) * 1024 / args.watchers
        out["placed"], first_slot = {}, 0
        ours = [process.pid for process, _ in clients + drivers]
        for rate in RATES:
            cpu0, t0 = sum(map(proc_cpu, ours)), time.monotonic()
            out[f"cpu_pct_{rate}"], out[f"rate_{rate}"], out["placed"][rate], out[f"refused_{rate}"] = \
                bid_phase(servers, drivers, Job(rate, args.bid_seconds, time.monotonic() + 1, first_slot))
            out[f"bench_cpu_pct_{rate}"] = (sum(map(proc_cpu, ours)) - cpu0) / (time.monotonic() - t0) * 100
            out[f"load_{rate}"] = Path("/proc/loadavg").read_text().split()[0]  # the machine is shared
            first_slot += int(rate * args.bid_seconds) + 2
            stage(f"bids at {rate}/s done")
        _, final = places_in_lots()
        seen = []
        for _, conn in clients:
            conn.send(final)
        for _, conn in clients:
            seen += expect(conn, "seen", 120)
        out["seen"] = seen
        return out
    finally:
        for _, conn in drivers:
            conn.send(None)
        for process, _ in clients + drivers:
            process.join(10)
            if process.is_alive():
                process.kill()
        stage("bench processes ended")


def bid_phase(servers: Servers, drivers: list[tuple[Any, Connection]],
              job: Job) -> tuple[float, float, list[tuple[int, float]], int]:
    """One rate's bids from every driver; returns the servers' CPU %, the accepted rate, the bids."""
    cpu0 = servers.cpu()
    for _, conn in drivers:
        conn.send(job)
    placed, refused, errors = [], 0, []
    for _, conn in drivers:
        if not conn.poll(job.seconds + 300):
            raise TimeoutError("a driver did not finish its bids")
        bids, refusals, failures = conn.recv()
        placed += bids
        refused += refusals
        errors += failures
    if errors:
        raise RuntimeError(f"bids failed: {errors[:3]}")
    last = max((t for _, t in placed), default=job.start_at + job.seconds)
    time.sleep(max(0.0, last + 2 - time.monotonic()))  # the fan-out of the last bids counts too
    cpu = (servers.cpu() - cpu0) / (time.monotonic() - job.start_at) * 100
    return cpu, len(placed) / max(job.seconds, last - job.start_at), placed, refused


def places_in_lots() -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
    """Every bid's (lot, k): its rank by id in its lot (ids are drawn under the lot's lock); and each
    lot's final bid count."""
    from sqlalchemy import text

    from data.db import get_engine

    with get_engine().connect() as conn:
        ranks = conn.execute(text("SELECT id, lot_id, row_number() OVER (PARTITION BY lot_id ORDER BY id) "
                                  "FROM bids")).all()
        counts = conn.execute(text("SELECT id, bid_count FROM lots")).all()
    return {int(bid): (int(lot), int(k)) for bid, lot, k in ranks}, {int(lot): int(n) for lot, n in counts}


def latencies(seen: list[Any], commits: dict[tuple[int, int], float]) -> list[float]:
    """For each watcher and each committed bid on its lot: ms from the commit to the first board that
    counts it (boards may skip versions a later one includes: that is not a loss)."""
    by_lot: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (lot, k), committed in commits.items():
        by_lot[lot].append((k, committed))
    for bids in by_lot.values():
        bids.sort()
    found = []
    for _, lots, boards_by_lot, *_ in seen:
        for lot in lots:
            boards = boards_by_lot.get(lot, [])
            at = 0
            for k, committed in by_lot.get(lot, ()):
                while at < len(boards) and boards[at][1] < k:
                    at += 1
                if at < len(boards):
                    found.append(max(0.0, boards[at][2] - committed) * 1000)
    return found


def watching_only(seen: list[Any], lots: set[int]) -> list[Any]:
    """What each watcher saw, as if it had watched only `lots`."""
    return [(port, [lot for lot in watched if lot in lots], *rest) for port, watched, *rest in seen]


def lost_and_disordered(seen: list[Any], final: dict[int, int]) -> dict[int, tuple[int, int]]:
    """Per server port: watchers whose last board is not the store's final count, and boards that came
    with a version not above the one before."""
    found: dict[int, tuple[int, int]] = {}
    for port, lots, boards_by_lot, *_ in seen:
        lost, disordered = found.get(port, (0, 0))
        for lot in lots:
            versions = [version for version, _, _ in boards_by_lot.get(lot, [])]
            disordered += sum(1 for a, b in itertools.pairwise(versions) if b <= a)
            last = boards_by_lot[lot][-1][1] if boards_by_lot.get(lot) else -1
            lost += int(last != final[lot])
        found[port] = (lost, disordered)
    return found


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values[0] if values else 0.0)


def summarise(out: dict[str, Any]) -> None:
    ranks, final = places_in_lots()
    for rate in RATES:
        commits = {ranks[bid]: committed for bid, committed in out["placed"][rate]}
        found = latencies(out["seen"], commits)
        out[f"lat_{rate}"] = (pct(found, 50), pct(found, 95), pct(found, 99), len(found))
        for part, lots in (("hot", {out["hot_lot"]}), ("spread", set(final) - {out["hot_lot"]})):
            part_found = latencies(watching_only(out["seen"], lots), commits)
            out[f"lat_{rate}_{part}"] = (pct(part_found, 50), pct(part_found, 95))
    out["by_server"] = lost_and_disordered(out["seen"], final)
    out["lost"] = sum(lost for lost, _ in out["by_server"].values())
    out["disordered"] = sum(disordered for _, disordered in out["by_server"].values())
    out["reconnects"] = sum(reconnects for *_, reconnects, _ in out["seen"])
    back = [seconds * 1000 for *_, waits in out["seen"] for seconds in waits]
    out["back_ms"] = (pct(back, 50), max(back, default=0.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true")
    # The target: 1,000 watchers of one hot lot and 1,000 spread over 100 lots.
    parser.add_argument("--watchers", type=int, default=2000, help="half on the hot lot, half spread")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--drivers", type=int, default=4, help="bidding processes")
    parser.add_argument("--clients", type=int, default=4, help="watcher processes")
    args = parser.parse_args()
    args.lots = 101  # one hot lot and 100 more
    if args.smoke:
        args.watchers, args.drivers, args.clients, args.lots = min(args.watchers, 20), 2, 1, 11
    args.idle_seconds, args.bid_seconds = (2, 2) if args.smoke else (10, 10)
    server_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with scratch_postgres(server_url, prefix="bench_live") as url, \
            tempfile.TemporaryDirectory(prefix="live-bench-") as logs:
        from data.migrate import upgrade_to_head
        use_store = importlib.import_module("tests.support.stores").use_store

        os.environ["DATABASE_URL"] = url
        engine = use_store(url)
        upgrade_to_head(engine)
        servers = Servers(args.servers, url, Path(logs))
        try:
            lots, bidders, token = seed(args.lots, BIDDERS_PER_DRIVER * args.drivers)
            stage("seeded")
            polling = polling_rerun_cpu(lots[0], 3 if args.smoke else 20)
            stage("polling measured")
            out = measure(args, url, servers, lots=lots, bidders=bidders, token=token)
        finally:
            servers.stop()
        summarise(out)
        stage("summarised")
        engine.dispose()
    report(args, out, polling)
    if out["lost"] or out["disordered"]:
        raise SystemExit("some watcher missed a bid or saw boards out of order")


def report(args: argparse.Namespace, out: dict[str, Any], polling_cpu: float) -> None:
    n = args.watchers
    idle_per_1000 = out["idle_cpu_pct"] * 1000 / n
    floor = 100 / os.sysconf("SC_CLK_TCK") / args.idle_seconds  # one clock tick over the idle window
    push_per_core = n / (max(out["idle_cpu_pct"], floor) / 100)  # at most this many: never divide by 0
    busy_per_core = n / (max(out["cpu_pct_20"], floor) / 100)
    polling_per_core = 2.0 / polling_cpu
    print(f"live_bench commit={commit()} watchers={n} on {args.servers} app servers, half on one hot lot, "
          f"half over {args.lots - 1} lots, each server with half of each; each holds a Streamlit session "
          f"on the lot page and its /live stream; {args.clients} watcher processes, {args.drivers} bidding "
          "processes")
    print(f"connect: {out['connect_s']:.0f} s for every session's first page run and every stream")
    print(f"idle: servers' cpu {out['idle_cpu_pct']:.2f}% of a core = {idle_per_1000:.2f}% per 1,000 "
          f"watchers (the same servers with no watcher: {out['baseline_cpu_pct']:.2f}%); memory "
          f"{out['mem_per_watcher_kib']:.1f} KiB per watcher (session + stream, both servers' RSS growth)")
    for rate in RATES:
        p50, p95, p99, count = out[f"lat_{rate}"]
        print(f"bids {rate}/s ({rate / hot_lot_every(rate):.0f}/s on the hot lot; achieved "
              f"{out[f'rate_{rate}']:.0f}/s accepted, {out[f'refused_{rate}']} refused as outbid by a racing "
              f"driver): commit->watcher p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
              f"p99 {p99:.0f} ms over {count} deliveries (p50/p95 on the hot lot "
              f"{'/'.join(f'{ms:.0f}' for ms in out[f'lat_{rate}_hot'])} ms, on the others "
              f"{'/'.join(f'{ms:.0f}' for ms in out[f'lat_{rate}_spread'])} ms); "
              f"servers' cpu {out[f'cpu_pct_{rate}']:.1f}% = "
              f"{out[f'cpu_pct_{rate}'] * 1000 / n:.1f}% per 1,000 watchers; the bench's watcher and bidding "
              f"processes {out[f'bench_cpu_pct_{rate}']:.0f}%; load average {out[f'load_{rate}']}")
    print(f"polling (same run): {polling_cpu * 1000:.0f} ms cpu per lot page rerun (after-run gc off) -> "
          f"{polling_per_core:.0f} watchers per core at one rerun per 2 s; push: {push_per_core:.0f} idle "
          f"watchers per core ({push_per_core / polling_per_core:.0f}x), {busy_per_core:.0f} per core under "
          f"20 bids/s ({busy_per_core / polling_per_core:.0f}x)")
    servers = "; ".join(f"server {i + 1}: lost={lost} out_of_order={disordered}"
                        for i, (lost, disordered) in enumerate(out["by_server"].values()))
    print(f"{servers} (watchers dropped for falling behind, then reconnected with Last-Event-ID: "
          f"{out['reconnects']}; from a drop to the server's first answer: p50 {out['back_ms'][0]:.0f} ms, "
          f"max {out['back_ms'][1]:.0f} ms)")
    print(f"RESULT watchers={n} p95_ms_20={out['lat_20'][1]:.0f} p95_ms_200={out['lat_200'][1]:.0f} "
          f"cpu_per_1000_idle={idle_per_1000:.2f} ratio_vs_polling={push_per_core / polling_per_core:.0f} "
          f"lost={out['lost'] + out['disordered']}")


_STARTED = time.monotonic()


def stage(what: str) -> None:
    print(f"[{time.monotonic() - _STARTED:5.0f} s] {what}", file=sys.stderr, flush=True)


def commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,  # noqa: S607
                          text=True, check=False).stdout.strip() or "unknown"


if __name__ == "__main__":
    main()
