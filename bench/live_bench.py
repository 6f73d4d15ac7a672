"""Live boards by push (GET /live, docs/LIVE.md): what a watcher costs and how fast a bid reaches it.

    python -m bench.live_bench [--watchers N]   # the full run (bench/results/live.txt)
    python -m bench.live_bench --smoke          # seconds: CI runs it so it never rots

A scratch PostgreSQL database (server from DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
is made, migrated, seeded with 100 live lots and dropped at the end. The stream is served by a separate
server process (uvicorn, the same route the app mounts), so its CPU and memory are its own. Watchers are
raw asyncio SSE clients in this process: half on one hot lot, half spread over the 100 lots.

1. Idle: every watcher connected, no bids: server CPU over the window, per 1,000 watchers (% of a core),
   and the server's memory growth per watcher.
2. Bids through the domain service (bid_place, the page's path) at 20/s and then 200/s (a target: the
   achieved rate is printed), half on the hot lot: latency from bid_place returning (committed) to each
   watcher of that lot receiving a board with that bid counted: p50/p95/p99.
3. Every watcher's boards per lot must have rising versions (else out of order) and end at the store's
   final bid count (else lost).
4. Polling, in the same run: today's page costs a rerun every 2 s per watcher; the CPU of one rerun of
   pages/lot.py under AppTest plus the full gc.collect Streamlit runs after every script run, gives
   polling watchers per core = 2 s / that. ratio_vs_polling = idle push watchers per core / that.
   (AppTest reruns the whole page, the fragment reruns less; but the browser protocol, the session and
   the delta messages AppTest skips cost more: an honest equivalent, not a measurement of the fragment.)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from typing import Any

os.environ.setdefault("JWT_SECRET", "bench-jwt-secret-0123456789-abcdefghijklmnop")
os.environ.setdefault("COOKIE_KEY", "bench-cookie-key-0123456789-abcdefghijklmnop")
os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ["DEMO_MODE"] = "false"
os.environ.setdefault("BIDS_PER_USER_PER_MINUTE", "1000000")  # measuring bidding, not the per-user limit

from data.scratch import scratch_postgres

SERVER = ("import sys, uvicorn\nfrom starlette.applications import Starlette\n"
          "from starlette.routing import Route\nfrom ui.stream import live_stream\n"
          "uvicorn.run(Starlette(routes=[Route('/live', live_stream)]), host='127.0.0.1', "
          "port=int(sys.argv[1]), log_level='warning')")


class Watcher:
    def __init__(self, lots: list[int]) -> None:
        self.lots = lots
        self.seen: dict[int, list[tuple[int, int, float]]] = defaultdict(list)  # lot -> (version, count, t)
        self.reconnects = 0

    async def run(self, port: int, cookie: str) -> None:
        """Read the stream; when the server drops this watcher (it fell behind), reconnect with the
        last event id, as a browser's EventSource does."""
        last_id = ""
        while True:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
            resume = f"Last-Event-ID: {last_id}\r\n" if last_id else ""
            writer.write(f"GET /live?lots={','.join(map(str, self.lots))} HTTP/1.1\r\nHost: bench\r\n"
                         f"Cookie: auction_session={cookie}\r\n{resume}"
                         "Accept: text/event-stream\r\n\r\n".encode())
            await writer.drain()
            while line := await reader.readline():
                if line.startswith(b"id: "):
                    last_id = line[4:].strip().decode()
                elif line.startswith(b"data: {\"lot_id\""):
                    board, now = json.loads(line[6:]), time.monotonic()
                    self.seen[board["lot_id"]].append((board["version"], board["bid_count"], now))
            writer.close()
            self.reconnects += 1


def proc_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS"))


def seed(lots: int) -> tuple[list[int], list[Any], str]:
    from data.types import utcnow
    from data.uow import UnitOfWork
    from domain.accounts import auth
    factories = importlib.import_module("tests.support.factories")  # test helpers, not part of the app
    live_lot, make_dealer, make_user = factories.live_lot, factories.make_dealer, factories.make_user

    dealer = make_dealer()
    lot_ids = [live_lot(dealer, reserve=None, buy_now=None).id or 0 for _ in range(lots)]
    bidders = [make_user(email=f"{uuid.uuid4().hex}@bench.example") for _ in range(2)]
    watcher = make_user(email=f"{uuid.uuid4().hex}@bench.example")
    with UnitOfWork() as uow:
        _, token = auth.session_open(uow, user_id=watcher.id, address="bench", now=utcnow())
        uow.commit()
    return lot_ids, bidders, token


def bid_at(rate: float, seconds: float, lots: list[int], bidders: list[Any], *,
           counts: dict[int, int], commits: dict[tuple[int, int], float]) -> float:
    """Bids at `rate`/s for `seconds` (half on the hot lot lots[0]); returns the achieved rate."""
    from domain.bidding import service

    start, done = time.monotonic(), [0]
    lot_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)  # one lot's bids in order

    def one(lot: int) -> None:
        with lot_locks[lot]:  # so the k-th bid on a lot is the one that makes its bid count k
            k = counts[lot] + 1
            maximum = str(400000 + 50000 * k)
            service.bid_place(bidders[k % 2], lot_id=lot, maximum=maximum, key=uuid.uuid4().hex)
            counts[lot] = k
            commits[(lot, k)] = time.monotonic()
            done[0] += 1

    threads, i = [], 0
    while (now := time.monotonic() - start) < seconds:
        due = i / rate
        if due > now:
            time.sleep(due - now)
        lot = lots[0] if i % 2 == 0 else lots[1 + (i // 2) % (len(lots) - 1)]
        thread = threading.Thread(target=one, args=(lot,))
        thread.start()
        threads.append(thread)
        i += 1
    for thread in threads:
        thread.join()
    return done[0] / (time.monotonic() - start)


def latencies(watchers: list[Watcher], commits: dict[tuple[int, int], float]) -> list[float]:
    found = []
    for watcher in watchers:
        for lot, boards in watcher.seen.items():
            for (lot_id, k), committed in commits.items():
                if lot_id == lot:
                    first = next((t for _, count, t in boards if count >= k), None)
                    if first is not None:
                        found.append(max(0.0, first - committed) * 1000)
    return found


def polling_rerun_cpu(lot_id: int, runs: int) -> float:
    """CPU seconds of one rerun of the lot page as today's fragment costs it (AppTest + Streamlit's gc)."""
    from streamlit.testing.v1 import AppTest

    page_as = importlib.import_module("tests.app.conftest").page_as
    make_user = importlib.import_module("tests.support.factories").make_user
    at = page_as(make_user(email=f"{uuid.uuid4().hex}@bench.example"), "pages/lot.py", id=lot_id)
    assert isinstance(at, AppTest) and not at.exception
    start = time.process_time()
    for _ in range(runs):
        at.run()
        gc.collect()
    return (time.process_time() - start) / runs


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values[0] if values else 0.0)


def lost_and_disordered(watchers: list[Watcher], counts: dict[int, int]) -> tuple[int, int]:
    lost = disordered = 0
    for watcher in watchers:
        for lot in watcher.lots:
            versions = [version for version, _, _ in watcher.seen.get(lot, [])]
            disordered += sum(1 for a, b in itertools.pairwise(versions) if b <= a)
            final = watcher.seen[lot][-1][1] if watcher.seen.get(lot) else -1
            lost += int(final != counts[lot])
    return lost, disordered


async def measure(args: argparse.Namespace, lots: list[int], bidders: list[Any],
                  token: str) -> dict[str, Any]:
    port = 20000 + os.getpid() % 20000
    # A fixed program, no shell: the only outside value is our own port number.
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=dict(os.environ))  # noqa: S603
    try:
        await wait_listening(port, server)
        rss_before = proc_rss(server.pid)
        half = args.watchers // 2
        watchers = [Watcher([lots[0]]) for _ in range(half)]
        watchers += [Watcher([lots[1 + i % (len(lots) - 1)]]) for i in range(args.watchers - half)]
        tasks = [asyncio.create_task(w.run(port, token)) for w in watchers]
        deadline = time.monotonic() + 120
        while sum(bool(w.seen) for w in watchers) < len(watchers):
            if time.monotonic() > deadline or all(t.done() for t in tasks):
                raise RuntimeError(f"only {sum(bool(w.seen) for w in watchers)} watchers got their board; "
                                   f"{[t.exception() for t in tasks if t.done()][:3]}")
            await asyncio.sleep(0.2)
        print(f"{len(watchers)} watchers connected", file=sys.stderr)
        await asyncio.sleep(1)
        cpu0, t0 = proc_cpu(server.pid), time.monotonic()
        await asyncio.sleep(args.idle_seconds)
        idle_pct = (proc_cpu(server.pid) - cpu0) / (time.monotonic() - t0) * 100
        grown = proc_rss(server.pid) - rss_before
        out: dict[str, Any] = {"idle_cpu_pct": idle_pct, "mem_per_watcher": grown / len(watchers)}
        counts: dict[int, int] = defaultdict(int)
        for rate in (20, 200):
            commits: dict[tuple[int, int], float] = {}
            cpu0, t0 = proc_cpu(server.pid), time.monotonic()
            achieved = await asyncio.to_thread(bid_at, rate, args.bid_seconds, lots, bidders,
                                             counts=counts, commits=commits)
            await asyncio.sleep(2)
            out[f"cpu_pct_{rate}"] = (proc_cpu(server.pid) - cpu0) / (time.monotonic() - t0) * 100
            found = latencies(watchers, commits)
            out[f"rate_{rate}"] = achieved
            out[f"lat_{rate}"] = (pct(found, 50), pct(found, 95), pct(found, 99), len(found))
        out["lost"], out["disordered"] = lost_and_disordered(watchers, counts)
        out["reconnects"] = sum(w.reconnects for w in watchers)
        for task in tasks:
            task.cancel()
        return out
    finally:
        server.kill()  # a graceful stop would wait for every watcher's stream to end
        server.wait(10)


async def wait_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("the stream server exited")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise TimeoutError("the stream server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--watchers", type=int, default=1000)
    args = parser.parse_args()
    if args.smoke:
        args.watchers = min(args.watchers, 40)
    args.idle_seconds, args.bid_seconds = (3, 2) if args.smoke else (10, 10)
    server_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with scratch_postgres(server_url, prefix="bench_live") as url:
        from data.migrate import upgrade_to_head
        use_store = importlib.import_module("tests.support.stores").use_store

        os.environ["DATABASE_URL"] = url
        engine = use_store(url)
        upgrade_to_head(engine)
        lots, bidders, token = seed(101)
        polling = polling_rerun_cpu(lots[0], 3 if args.smoke else 20)
        out = asyncio.run(measure(args, lots, bidders, token))
        engine.dispose()
    report(args, out, polling)


def report(args: argparse.Namespace, out: dict[str, Any], polling_cpu: float) -> None:
    n = args.watchers
    per_1000 = out["idle_cpu_pct"] * 1000 / n
    floor = 100 / os.sysconf("SC_CLK_TCK") / args.idle_seconds  # one clock tick over the idle window
    push_per_core = n / (max(out["idle_cpu_pct"], floor) / 100)  # at most this many: never divide by 0
    polling_per_core = 2.0 / polling_cpu
    print(f"watchers={n} (half on one hot lot, half over 100 lots)")
    print(f"idle: server cpu {out['idle_cpu_pct']:.2f}% of a core = {per_1000:.2f}% per 1,000 watchers; "
          f"memory {out['mem_per_watcher'] / 1024:.1f} KiB per watcher")
    for rate in (20, 200):
        p50, p95, p99, count = out[f"lat_{rate}"]
        print(f"bids {rate}/s (achieved {out[f'rate_{rate}']:.0f}/s): commit->watcher p50 {p50:.0f} ms, "
              f"p95 {p95:.0f} ms, p99 {p99:.0f} ms over {count} deliveries; server cpu "
              f"{out[f'cpu_pct_{rate}']:.1f}% = {out[f'cpu_pct_{rate}'] * 1000 / n:.1f}% per 1,000 watchers")
    print(f"polling (same run): {polling_cpu * 1000:.0f} ms cpu per page rerun -> {polling_per_core:.0f} "
          f"watchers per core at one rerun per 2 s; push idle: {push_per_core:.0f} watchers per core")
    print(f"lost={out['lost']} out_of_order={out['disordered']} (watchers dropped for falling behind, "
          f"then reconnected with Last-Event-ID: {out['reconnects']})")
    print(f"RESULT watchers={n} p95_ms_20={out['lat_20'][1]:.0f} p95_ms_200={out['lat_200'][1]:.0f} "
          f"cpu_per_1000_idle={per_1000:.2f} ratio_vs_polling={push_per_core / polling_per_core:.0f} "
          f"lost={out['lost'] + out['disordered']}")


if __name__ == "__main__":
    main()
