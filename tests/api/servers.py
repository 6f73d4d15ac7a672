"""Real uvicorn servers for API tests over HTTP: started on a free port, waited for, stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from ops.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def uvicorn_workers(env: dict[str, str], folder: Path, *, workers: int = 2,
                    ready: bool = True) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`uvicorn api.main:app --workers N` with `env` added; its address, once /readyz answers 200
    (or at once, without `ready`). Its log is `folder/uvicorn.log`."""
    port = free_port()
    (folder / "prometheus").mkdir(exist_ok=True)
    env = os.environ | {"DEMO_MODE": "false", "PROMETHEUS_MULTIPROC_DIR": str(folder / "prometheus")} | env
    log = folder / "uvicorn.log"
    with log.open("wb") as output:
        command = [sys.executable, "-m", "uvicorn", "api.main:app", "--workers", str(workers),
                   "--port", str(port), "--no-access-log", "--log-level", "warning"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        if ready:
            wait_ready(base, process, log)
        yield process, base
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path, *, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"uvicorn did not become ready: {log.read_text()[-2000:]}")


def workers_of(process: subprocess.Popen[bytes]) -> list[int]:
    """The worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == process.pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return found
