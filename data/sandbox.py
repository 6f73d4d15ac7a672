"""Run untrusted parsing in a child process with CPU, memory and wall-clock limits.

Whatever a crafted file makes a parser do, the server process does not pay for it: the child sets
`RLIMIT_CPU` and `RLIMIT_AS` before it runs the task, the parent stops waiting (and kills it) at a
deadline, and the child's memory goes back to the system when it exits. The child is a fresh
interpreter (`python -m data.sandbox`), not a fork: a fork of a threaded server is unsafe, and
multiprocessing's spawn and forkserver re-run the parent's `__main__`, which under Streamlit is the
page being run. A fresh interpreter costs a few tenths of a second, small beside a workbook's read.
Up to `PARALLEL` children run at once per server process.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, is_dataclass
from pathlib import Path
from typing import IO, Any

Report = Callable[[float], object]  # the child's progress, 0..1
Task = Callable[[Any, Callable[[float], None]], Any]  # module-level: (argument, report) -> picklable
PARALLEL = 4  # children per server process; more would only share the same cores more thinly
PROGRESS_EVERY = 0.05  # seconds between progress messages from the child
ROOT = Path(__file__).resolve().parents[1]  # where `python -m data.sandbox` finds the project
HEADER = struct.Struct("!I")  # each message: its length, then its pickle


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


def run_limited(task: Task, argument: Any, limits: Limits, progress: Report | None = None, *,
                unused: tuple[str, ...] = ()) -> Any:
    """`task(argument, report)` in a limited child; its result, its exception, or SandboxFailed.
    `unused` names packages the task's modules import only if they can and the task does not need:
    the child refuses them, so its start does not pay for loading them."""
    deadline = time.monotonic() + limits.wall_seconds
    if not _slots.acquire(timeout=limits.wall_seconds):
        raise SandboxFailed("busy")
    try:
        # two pickles: the names first, refused before the second one imports the task's module
        job = pickle.dumps(unused) + pickle.dumps((task, argument, limits))
        return _run(job, deadline, progress or (lambda _share: None))
    finally:
        _slots.release()


def _run(job: bytes, deadline: float, progress: Report) -> Any:
    child = subprocess.Popen([sys.executable, "-m", "data.sandbox"], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdin is not None and child.stdout is not None
    try:
        with child.stdin:
            child.stdin.write(job)  # the child reads it all before it does anything else
        return _answer(child.stdout, deadline, progress)
    except BrokenPipeError as gone:
        raise SandboxFailed("crash") from gone
    except pickle.UnpicklingError as smuggled:
        raise SandboxFailed("refused") from smuggled
    finally:
        child.kill()  # a no-op once it has exited
        child.wait()
        child.stdout.close()


def _answer(stream: IO[bytes], deadline: float, progress: Report) -> Any:
    pending = bytearray()
    while True:
        for kind, payload in _messages(pending):
            if kind == "progress":
                progress(payload)
            elif kind == "result":
                return payload
            elif kind == "error":
                raise payload
            else:
                raise SandboxFailed(payload)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([stream], [], [], remaining)[0]:
            raise SandboxFailed("time")
        chunk = os.read(stream.fileno(), 1 << 20)
        if not chunk:  # killed at its CPU or memory limit, or crashed, before its answer
            raise SandboxFailed("crash")
        pending += chunk


def _messages(pending: bytearray) -> Iterator[tuple[str, Any]]:
    """Complete messages at the front of `pending`, removed from it as they are read."""
    while len(pending) >= HEADER.size:
        (length,) = HEADER.unpack_from(pending)
        if len(pending) < HEADER.size + length:
            return
        message = _Answer(io.BytesIO(pending[HEADER.size:HEADER.size + length])).load()
        del pending[:HEADER.size + length]
        yield message


class _Answer(pickle.Unpickler):
    """Only values, exceptions and dataclasses come back: a child that a crafted file took over
    cannot make the server import or call anything else."""

    def find_class(self, module: str, name: str) -> Any:
        if module in ("builtins", "datetime") or module.startswith(("data.", "domain.")):
            found = super().find_class(module, name)
            if isinstance(found, type) and (issubclass(found, Exception) or is_dataclass(found)
                                            or module == "datetime"):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} may not come back from the sandbox")


# In the child ------------------------------------------------------------------------------------


def _child() -> None:
    """Read the job, set the limits, run the task; every outcome goes back as one message."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the messages
    for name in pickle.load(sys.stdin.buffer):  # noqa: S301 (written by the parent)
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError
    task, argument, limits = pickle.load(sys.stdin.buffer)  # noqa: S301 (written by the parent)
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    last = 0.0

    def report(share: float) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY:
            last = time.monotonic()
            _send(out, ("progress", share))

    try:
        _send(out, ("result", task(argument, report)))
    except MemoryError:
        _send(out, ("failed", "memory"))
    except Exception as error:  # the parent re-raises it: the task's own refusals travel as they are
        _send(out, ("error", error))


def _send(out: IO[bytes], message: tuple[str, Any]) -> None:
    data = pickle.dumps(message)
    out.write(HEADER.pack(len(data)) + data)
    out.flush()


if __name__ == "__main__":
    _child()
