"""A browser tab as far as Streamlit's server can tell, and the app server it talks to: shared by the
benches that measure what watchers cost (bench/board_bench.py, bench/live_bench.py).

A tab connects to `/_stcore/stream` with the session cookie, sends a `rerun_script` BackMsg for a page
and keeps its session open; from an `auto_rerun` ForwardMsg on it sends the fragment's rerun every
interval (the browser's `setInterval`, whether or not the last run finished).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ops.ports import free_port

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Tab:
    seen: dict[str, float] = field(default_factory=dict)  # "Current price" text -> first time shown
    runs: int = 0  # script runs finished (full and fragment)
    ready: asyncio.Event = field(default_factory=asyncio.Event)  # the first run finished


def start_app(env: dict[str, str], log: Path, *, options: tuple[str, ...] = (),
              core: str | None = None) -> tuple[subprocess.Popen[bytes], int]:
    """`streamlit run app.py` on a free port (pinned to `core` with taskset when given and there is
    more than one core); returns once its health check answers."""
    server, port = launch_app(env, log, options=options, core=core)
    try:
        wait_healthy(server, port, log)
    except BaseException:
        server.kill()
        raise
    return server, port


def launch_app(env: dict[str, str], log: Path, *, options: tuple[str, ...] = (),
               core: str | None = None) -> tuple[subprocess.Popen[bytes], int]:
    """`streamlit run app.py` on a free port, not waiting for it (`wait_healthy`)."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
               f"--server.port={port}", "--server.address=127.0.0.1", *options]
    if core is not None and (os.cpu_count() or 1) > 1 and shutil.which("taskset"):
        command = ["taskset", "-c", core, *command]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"),  # noqa: S603
                              stderr=subprocess.STDOUT)
    return server, port


def wait_healthy(server: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app server exited with {server.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("the app server did not become healthy")


def rss_mb(pid: int) -> float:
    """Resident memory of a process (a server started through taskset keeps its pid)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rerun_message(lot_id: int, fragment_id: str = "") -> bytes:
    """The lot page's rerun request (the whole page, or its fragment) as the browser sends it."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    state = message.rerun_script
    state.query_string = f"id={lot_id}"
    state.page_name = "lot"
    state.fragment_id = fragment_id
    state.is_auto_rerun = bool(fragment_id)
    state.context_info.timezone = "Asia/Kolkata"
    state.context_info.timezone_offset = -330
    state.context_info.locale = "en-IN"
    return bytes(message.SerializeToString())


async def hold_tab(port: int, token: str, lot_id: int, tab: Tab, stop: asyncio.Event) -> None:
    """One browser tab on the lot page until `stop`: its session stays open on the server."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.typing import Subprotocol

    headers = {"Cookie": f"auction_session={token}", "Origin": f"http://127.0.0.1:{port}"}
    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream",
                                  subprotocols=[Subprotocol("streamlit")], additional_headers=headers,
                                  max_size=None, open_timeout=120) as socket_:
        await socket_.send(rerun_message(lot_id))
        tickers: list[asyncio.Task[None]] = []
        stopped = asyncio.create_task(stop.wait())
        try:
            while True:
                received = asyncio.create_task(socket_.recv())
                await asyncio.wait({received, stopped}, return_when=asyncio.FIRST_COMPLETED)
                if not received.done():
                    received.cancel()
                    return
                message = ForwardMsg.FromString(received.result())  # type: ignore[arg-type]
                kind = message.WhichOneof("type")
                if kind == "delta" and message.delta.new_element.metric.label == "Current price":
                    tab.seen.setdefault(message.delta.new_element.metric.body, time.monotonic())
                elif kind == "script_finished":
                    tab.runs += 1
                    tab.ready.set()
                elif kind == "auto_rerun" and not tickers:
                    tickers.append(asyncio.create_task(_tick(socket_, lot_id, message.auto_rerun.fragment_id,
                                                             message.auto_rerun.interval)))
        finally:
            stopped.cancel()
            for ticker in tickers:
                ticker.cancel()


async def _tick(socket_: object, lot_id: int, fragment_id: str, interval: float) -> None:
    """The browser's setInterval: a fragment rerun every `interval` seconds, whatever the server does."""
    send = socket_.send  # type: ignore[attr-defined]
    while True:
        await asyncio.sleep(interval)
        await send(rerun_message(lot_id, fragment_id))
