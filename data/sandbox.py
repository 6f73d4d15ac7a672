"""Run untrusted parsing in a child process with CPU, memory and wall-clock limits.

Whatever a crafted file makes a parser do, the server process does not pay for it: the child gets
`RLIMIT_CPU` and `RLIMIT_AS` before it touches the data, the parent stops waiting (and kills it) at a
deadline, and the child's memory goes back to the system when it exits. Children come from a fork
server that has the parser's modules imported already, so each one starts in milliseconds instead of
re-importing Python; several run at once, up to `PARALLEL` per server process.
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

Report = Callable[[float], object]  # the child's progress, 0..1
Task = Callable[[Any, Callable[[float], None]], Any]  # a module-level function: (argument, report) -> picklable result
PARALLEL = 4  # children per server process; more would only share the same cores more thinly
PROGRESS_EVERY = 0.05  # seconds between progress messages from the child


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int
    memory_bytes: int
    wall_seconds: float


class SandboxFailed(Exception):
    """The child ran out of CPU time, memory or wall time, or died; `reason` says which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


_slots = threading.BoundedSemaphore(PARALLEL)
_context = multiprocessing.get_context("forkserver")
# "__main__" first: the server imports the main script once (under its `if __name__` guard), so a
# child does not re-import it (Streamlit's or uvicorn's launcher) each time it starts.
_preloaded: set[str] = {"__main__"}
_preload_lock = threading.Lock()


def preload(*modules: str) -> None:
    """Modules the fork server imports once; call before the first `run_limited` of this process."""
    with _preload_lock:
        _preloaded.update(modules)
        _context.set_forkserver_preload(sorted(_preloaded, key=lambda name: name != "__main__"))


def run_limited(task: Task, argument: Any, limits: Limits, progress: Report | None = None) -> Any:
    """`task(argument, report)` in a limited child; its result, its exception, or SandboxFailed."""
    deadline = time.monotonic() + limits.wall_seconds
    if not _slots.acquire(timeout=limits.wall_seconds):
        raise SandboxFailed("busy")
    try:
        return _run(task, argument, limits, deadline, progress or (lambda _fraction: None))
    finally:
        _slots.release()


def _run(task: Task, argument: Any, limits: Limits, deadline: float, progress: Report) -> Any:
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(target=_child, args=(task, argument, limits, sender))
    child.start()
    sender.close()  # only the child writes; EOF then means the child is gone
    try:
        return _answer(receiver, deadline, progress)
    finally:
        receiver.close()
        _reap(child)


def _answer(receiver: Connection, deadline: float, progress: Report) -> Any:
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not receiver.poll(remaining):
            raise SandboxFailed("time")
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError) as gone:  # killed at its CPU or memory limit, or crashed
            raise SandboxFailed("crash") from gone
        if kind == "progress":
            progress(payload)
        elif kind == "result":
            return payload
        elif kind == "error":
            raise payload
        else:
            raise SandboxFailed(payload)


def _reap(child: Any) -> None:
    child.join(timeout=0.5)
    if child.is_alive():
        child.kill()
        child.join()


def _child(task: Task, argument: Any, limits: Limits, sender: Connection) -> None:
    """In the child: limits first, then the task; every outcome goes back as one message."""
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    last = 0.0

    def report(fraction: float) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY:
            last = time.monotonic()
            sender.send(("progress", fraction))

    try:
        sender.send(("result", task(argument, report)))
    except MemoryError:
        sender.send(("failed", "memory"))
    except Exception as error:  # the parent re-raises it: the task's own refusals travel as they are
        sender.send(("error", error))
    finally:
        sender.close()
