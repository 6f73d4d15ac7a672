"""The chaos bench's fixtures: a PostgreSQL cluster of its own (so restarting it touches nobody
else's), the one-host stack on free ports in a folder of its own, and small HTTPS helpers."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ops.ports import free_port, stack_ports

ROOT = Path(__file__).resolve().parent.parent
PG_VERSION = "15"
CLUSTER = "chaos"


@contextmanager
def own_cluster() -> Iterator[str]:
    """A throwaway cluster (pg_createcluster) on a free port; dropped afterwards. Yields its URL."""
    port = free_port()
    subprocess.run(["pg_dropcluster", PG_VERSION, CLUSTER, "--stop"], capture_output=True, check=False)
    subprocess.run(["pg_createcluster", PG_VERSION, CLUSTER, "--port", str(port), "--start",
                    "--", "--auth=trust"], capture_output=True, check=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/chaos"
    finally:
        subprocess.run(["pg_dropcluster", PG_VERSION, CLUSTER, "--stop"], capture_output=True, check=False)


def cluster(action: str, *extra: str) -> None:
    subprocess.run(["pg_ctlcluster", PG_VERSION, CLUSTER, action, *extra], capture_output=True, check=True)


class Stack:
    """`ops.up` on free ports under `folder`; `ops.down` at the end."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "JWT_SECRET", "COOKIE_KEY"}}
        ports = stack_ports()
        self.env |= ports | {"DATABASE_URL": database_url, "STACK_DIR": str(folder / "stack"),
                             "DATA_DIR": str(folder / "var"),
                             "API_RATE_LOGIN_ADDRESS": "20/minute", "BIDS_PER_USER_PER_MINUTE": "1000",
                             "BCRYPT_ROUNDS": "4"}  # a low login limit, so the Redis fault shows
        self.https = f"https://localhost:{ports['HTTPS_PORT']}"

    def ops(self, command: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", f"ops.{command}", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def ctl(self, *args: str) -> str:
        conf = Path(self.env["STACK_DIR"]) / "supervisord.conf"
        return subprocess.run([sys.executable, "-m", "supervisor.supervisorctl", "-c", str(conf), *args],
                              capture_output=True, text=True, check=False).stdout

    def pid(self, name: str) -> int | None:
        words = self.ctl("status", name).split()
        return int(words[3].rstrip(",")) if len(words) > 3 and words[1] == "RUNNING" else None

    @contextmanager
    def running(self) -> Iterator[Stack]:
        started = self.ops("up")
        if started.returncode != 0:
            self.ops("down")
            raise RuntimeError(f"ops.up failed:\n{started.stdout}\n{started.stderr}")
        try:
            yield self
        finally:
            self.ops("down")


_UNVERIFIED = ssl.create_default_context()
_UNVERIFIED.check_hostname = False
_UNVERIFIED.verify_mode = ssl.CERT_NONE  # the stack's self-signed certificate


def api(base: str, method: str, path: str, token: str | None = None, *, body: Any = None,
        headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """One API request through the proxy; (status, parsed body), or (0, error) when nothing answered."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base}/api/v1{path}", data=data, method=method,  # noqa: S310
                                     headers={"Content-Type": "application/json", **(headers or {})})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10, context=_UNVERIFIED) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:300]
    except OSError as error:
        return 0, str(error)


def seconds_until(condition: Callable[[], bool], timeout: float, step: float = 0.2) -> float:
    """Seconds until `condition()` holds (raises TimeoutError after `timeout`)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"not recovered within {timeout} s")
        time.sleep(step)
    return time.monotonic() - started
