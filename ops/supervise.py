"""Talking to the stack's supervisord and probing each process's health."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ops.settings import StackSettings
from ops.stack import Program

SUPERVISORCTL = [sys.executable, "-m", "supervisor.supervisorctl"]


@dataclass(frozen=True)
class ProcessState:
    name: str
    state: str  # RUNNING, STARTING, BACKOFF, FATAL, STOPPED...
    pid: int | None
    port: int | None
    healthy: bool


def conf_path(s: StackSettings) -> Path:
    return s.stack_dir / "supervisord.conf"


def supervisord_pid(s: StackSettings) -> int | None:
    """The running supervisord's pid, or None (no pid file, or its process is gone)."""
    try:
        pid = int((s.stack_dir / "supervisord.pid").read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def ctl(s: StackSettings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SUPERVISORCTL, "-c", str(conf_path(s)), *args],
                          check=False, capture_output=True, text=True)


def states(s: StackSettings, programs: list[Program]) -> list[ProcessState]:
    listed = _parse_status(ctl(s, "status").stdout)
    return [ProcessState(p.name, *listed.get(p.name, ("ABSENT", None)), p.port,
                         listed.get(p.name, ("",))[0] == "RUNNING" and healthy(p, s))
            for p in programs]


def _parse_status(output: str) -> dict[str, tuple[str, int | None]]:
    found: dict[str, tuple[str, int | None]] = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            pid = int(parts[3].rstrip(",")) if len(parts) > 3 and parts[2] == "pid" else None
            found[parts[0]] = (parts[1], pid)
    return found


def healthy(p: Program, s: StackSettings) -> bool:
    if p.port is None:
        return True  # no port (the refresher): running is all supervisord can tell
    if p.name == "haproxy":
        return _https_ok(s.https_port)
    if p.health is None:
        return _tcp_ok(p.port)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{p.port}{p.health}", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _tcp_ok(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _https_ok(port: int) -> bool:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own self-signed certificate, on loopback
    try:
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/_stcore/health", timeout=3,
                                    context=context) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def table(found: list[ProcessState]) -> str:
    rows = [f"{'process':<12} {'state':<9} {'pid':>7} {'port':>6}  health"]
    rows += [f"{p.name:<12} {p.state:<9} {p.pid or '-':>7} {p.port or '-':>6}  "
             f"{'ok' if p.healthy else 'DOWN'}" for p in found]
    return "\n".join(rows)
