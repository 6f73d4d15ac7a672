"""Live board capacity: how many watchers of one live lot one Streamlit process serves while every bid
still reaches every watcher within 3 s, with Streamlit's full collection after each run on and off.

Watchers speak Streamlit's own websocket protocol as the browser does: they connect to
`/_stcore/stream` with the session cookie, send a `rerun_script` BackMsg for `/lot?id=…`, and from the
`auto_rerun` ForwardMsg on send the fragment's rerun every two seconds (the browser's `setInterval`,
regardless of whether the last run finished). A driver places a bid through the bid service every two
seconds; each watcher notes when the board's "Current price" metric shows that price.

The server runs `streamlit run app.py` on an embedded demo store, pinned to one core with `taskset`
when there is more than one (the watchers run on the others). Both modes run in the same invocation.

    python -m bench.board_bench            # full ladder, both modes, a memory soak (~12 min)
    python -m bench.board_bench --smoke    # seconds: two small steps per mode
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.streamlit_client import ROOT, Tab, hold_tab, rss_mb, start_app
from tests.support.demo_store import live_demo_lot

LIMIT_S = 3.0  # an update must reach a watcher within this
TICK_S = 2.0  # the board fragment's run_every
WATCHER_ENV_DROP = {"DATABASE_URL", "JWT_SECRET", "COOKIE_KEY", "DEMO_MODE", "BCRYPT_ROUNDS"}


@dataclass
class Step:
    mode: str
    watchers: int
    bids: int
    p50: float
    p95: float
    within: float  # share of (watcher, bid) pairs delivered within LIMIT_S
    lost: int  # pairs never delivered before the step ended
    runs_per_s: float
    rss_mb: float

    @property
    def holds(self) -> bool:
        return self.p95 <= LIMIT_S and self.lost == 0

    def line(self) -> str:
        return (f"{self.mode:3} watchers={self.watchers:4} bids={self.bids:3} p50={self.p50:5.2f}s "
                f"p95={self.p95:5.2f}s within_3s={self.within:6.1%} lost={self.lost:4} "
                f"runs/s={self.runs_per_s:6.1f} rss={self.rss_mb:6.1f}MB "
                f"{'holds' if self.holds else 'FAILS'}")


def start_server(data_dir: Path, gc_after_run: bool, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    # The polling board is what this bench measures (the fallback of the pushed board: bench/live_bench.py).
    env = {k: v for k, v in os.environ.items() if k not in WATCHER_ENV_DROP} | {"DATA_DIR": str(data_dir),
                                                                                 "LIVE_PUSH": "false"}
    return start_app(env, log, options=(f"--runner.postScriptGC={'true' if gc_after_run else 'false'}",),
                     core="0")


class Driver:
    """Places a bid every tick through the bid service (another process than the watched server), two
    accounts taking turns at the lowest bid so the price rises each time, and remembers when each new
    price was committed."""

    def __init__(self, lot_id: int, *accounts: tuple[str, str]) -> None:
        from domain.accounts import auth
        self.lot_id = lot_id
        self.actors = [auth.user_login(email=email, password=password, address="127.0.0.1").actor
                       for email, password in accounts]
        self.placed: dict[str, float] = {}

    def bid(self) -> None:
        import uuid

        from domain.bidding import service
        from domain.bidding.board import lot_board_snapshot
        from ui.format import money

        board = lot_board_snapshot(self.lot_id)
        actor = next(actor for actor in self.actors if actor.id != board.leader)
        receipt = service.bid_place(actor, lot_id=self.lot_id, maximum=board.minimum_next,
                                    key=uuid.uuid4().hex)
        self.placed[money(receipt.price)] = time.monotonic()


async def measure(run: Run, driver: Driver, window_s: float) -> Step:
    watchers = run.watchers
    start_runs = sum(w.runs for w in watchers)
    driver.placed.clear()
    started = time.monotonic()
    while time.monotonic() - started < window_s:
        await asyncio.to_thread(driver.bid)
        await asyncio.sleep(TICK_S)
    await asyncio.sleep(LIMIT_S + TICK_S)  # the last bid's chance to arrive
    elapsed = time.monotonic() - started
    delays, lost = [], 0
    for watcher in watchers:
        for placed in driver.placed.values():
            shown = _shown(watcher, driver.placed, placed)
            if shown is None:
                lost += 1
            else:
                delays.append(max(0.0, shown - placed))
    delays.sort()
    return Step(run.mode, len(watchers), len(driver.placed),
                statistics.median(delays) if delays else float("inf"),
                delays[int(0.95 * (len(delays) - 1))] if delays else float("inf"),
                sum(d <= LIMIT_S for d in delays) / max(1, len(delays) + lost), lost,
                (sum(w.runs for w in watchers) - start_runs) / elapsed, rss_mb(run.pid))


def _shown(watcher: Tab, placed: dict[str, float], at: float) -> float | None:
    """When the watcher first showed the price of the bid placed `at`, or a later one: a board that
    refreshes every two seconds may skip a price overtaken before its next refresh, and that is fine."""
    times = [watcher.seen[price] for price, when in placed.items() if when >= at and price in watcher.seen]
    return min(times) if times else None


class Run:
    """One server (one GC mode) and the watchers connected to it."""

    def __init__(self, mode: str, port: int, pid: int, token: str, lot_id: int) -> None:
        self.mode, self.port, self.pid, self.token, self.lot_id = mode, port, pid, token, lot_id
        self.watchers: list[Tab] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.stop = asyncio.Event()

    async def grow(self, count: int) -> bool:
        """Open tabs until `count` watch the lot; False if they do not all get a first page in 60 s."""
        fresh = [Tab() for _ in range(count - len(self.watchers))]
        self.watchers += fresh
        self.tasks += [asyncio.create_task(hold_tab(self.port, self.token, self.lot_id, watcher, self.stop))
                       for watcher in fresh]
        try:
            await asyncio.wait_for(asyncio.gather(*(w.ready.wait() for w in fresh)), timeout=60)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def soak(run: Run, seconds: float) -> str:
    """Memory over thousands of reruns at a fixed number of watchers: it must level off, not climb."""
    await asyncio.sleep(min(20.0, seconds / 4))  # sessions and caches fill first
    first, runs_before, started = rss_mb(run.pid), sum(w.runs for w in run.watchers), time.monotonic()
    samples = [first]
    while time.monotonic() - started < seconds:
        await asyncio.sleep(seconds / 6)
        samples.append(rss_mb(run.pid))
    runs = sum(w.runs for w in run.watchers) - runs_before
    return (f"soak {run.mode} watchers={len(run.watchers)} reruns={runs} rss_mb=" +
            ",".join(f"{s:.0f}" for s in samples) + f" growth={samples[-1] - first:+.1f}MB")


async def ladder(run: Run, driver: Driver, counts: list[int], window_s: float) -> list[Step]:
    steps: list[Step] = []
    for count in counts:
        if not await run.grow(count):
            print(f"{run.mode} watchers={count}: not every tab got its first page within 60 s", flush=True)
            steps.append(Step(run.mode, count, 0, float("inf"), float("inf"), 0.0, count, 0.0,
                              rss_mb(run.pid)))
            break
        steps.append(await measure(run, driver, window_s))
        print(steps[-1].line(), flush=True)
        if not steps[-1].holds:
            break
    return steps


def capacity(steps: list[Step]) -> int:
    held = [s.watchers for s in steps if s.holds]
    return max(held) if held else 0


async def one_mode(mode: str, gc_after_run: bool, data_dir: Path, args: argparse.Namespace,
                   accounts: dict[str, tuple[str, str]]) -> tuple[list[Step], str]:
    from domain.accounts import auth
    server, port = start_server(data_dir, gc_after_run, data_dir / f"server-{mode}.log")
    try:
        lot_id = live_demo_lot(data_dir, open_for=timedelta(minutes=40))
        token = auth.user_login(email=accounts["bidder"][0], password=accounts["bidder"][1],
                                address="127.0.0.1").token
        run = Run(mode, port, server.pid, token, lot_id)
        await run.grow(2)  # warm up: first runs import the heavy modules, the analytics copy preloads
        await asyncio.sleep(args.warmup)
        counts = [n for n in args.ladder if n > len(run.watchers)]
        steps = await ladder(run, Driver(lot_id, accounts["admin"], accounts["bidder"]), counts, args.window)
        await run.close()
        soaked = ""
        if args.soak_watchers and mode == "off":  # the setting shipped: its memory over many reruns
            run = Run(mode, port, server.pid, token, lot_id)
            await run.grow(args.soak_watchers)
            soaked = await soak(run, args.soak_seconds)
            print(soaked, flush=True)
            await run.close()
        return steps, soaked
    finally:
        server.terminate()
        server.wait(30)


def prepare(data_dir: Path) -> dict[str, tuple[str, str]]:
    """Seed the demo store once (a server start does it) and read its accounts in this process."""
    server, _port = start_server(data_dir, True, data_dir / "server-seed.log")
    server.terminate()
    server.wait(30)
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ.setdefault("BIDS_PER_USER_PER_MINUTE", "1000000")  # measuring bidding, not the per-user limit
    for name in WATCHER_ENV_DROP:
        os.environ.pop(name, None)
    from demo.accounts import DEMO_ACCOUNTS

    return {str(a.role.value): (a.email, a.password) for a in DEMO_ACCOUNTS}


def history_table_cost(draws: int = 300) -> str:
    """Server time to turn 15 history rows into what a watcher's refresh sends: Streamlit's DataFrame
    path (pandas, then Arrow bytes, as `st.dataframe` does) against the Markdown table drawn now."""
    from streamlit import dataframe_util

    from ui.format import md_escape

    rows = [("06 Dec 2026, 21:50 IST", f"Bidder {n:04X}", f"₹{5 + n},58,000", "active") for n in range(15)]
    as_dicts = [dict(zip(("when", "bidder", "price", "note"), row, strict=True)) for row in rows]
    started = time.perf_counter()
    for _ in range(draws):
        dataframe_util.convert_anything_to_arrow_bytes(as_dicts)
    arrow_ms = (time.perf_counter() - started) * 1000 / draws
    started = time.perf_counter()
    for _ in range(draws):
        "\n".join("| " + " | ".join(md_escape(cell) for cell in row) + " |" for row in rows)
    markdown_ms = (time.perf_counter() - started) * 1000 / draws
    return f"history_table_ms_dataframe={arrow_ms:.2f} history_table_ms_markdown={markdown_ms:.3f}"


def commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,  # noqa: S607
                          text=True, check=False).stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="two tiny steps per mode, a short soak")
    parser.add_argument("--ladder", type=lambda text: [int(n) for n in text.split(",")],
                        default=[5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 125, 150, 200])
    parser.add_argument("--window", type=float, default=12.0, help="seconds of bidding per step")
    parser.add_argument("--warmup", type=float, default=30.0, help="seconds before measuring, per server")
    parser.add_argument("--soak-watchers", type=int, default=40)
    parser.add_argument("--soak-seconds", type=float, default=150.0)
    args = parser.parse_args()
    if args.smoke:
        args.ladder, args.window, args.soak_watchers, args.soak_seconds = [3, 4], 4.0, 3, 8.0
        args.warmup = 3.0
    print(f"board_bench commit={commit()} cores={os.cpu_count()} ladder={args.ladder} window={args.window}s "
          f"limit={LIMIT_S}s tick={TICK_S}s", flush=True)
    with tempfile.TemporaryDirectory(prefix="board-bench-") as folder:
        data_dir = Path(folder)
        table = history_table_cost()
        print(table, flush=True)
        accounts = prepare(data_dir)
        cpu_before = time.process_time()
        results = {mode: asyncio.run(one_mode(mode, mode == "on", data_dir, args, accounts))
                   for mode in ("on", "off")}
    on, off = capacity(results["on"][0]), capacity(results["off"][0])
    growth = results["off"][1].rsplit("growth=", 1)[-1] if results["off"][1] else "n/a"
    print(f"driver+watchers cpu={time.process_time() - cpu_before:.0f}s", flush=True)
    print(f"RESULT watchers_gc_on={on} watchers_gc_off={off} limit_s={LIMIT_S} soak_rss_growth={growth} "
          f"{table} commit={commit()}", flush=True)
    if not off:  # no watcher got a single update in time: the board (or this bench) is broken, not slow
        raise SystemExit("no watcher of the polling board received a bid within the limit")


if __name__ == "__main__":
    main()
