"""The sandbox for untrusted parsing: a child that spins, allocates, hangs or dies costs the caller a
clear SandboxFailed within its limits; results, refusals and progress come back as they are."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import pytest

from data import sandbox
from data.sandbox import Limits, SandboxFailed, run_limited

GENEROUS = Limits(cpu_seconds=10, memory_bytes=2**30, wall_seconds=20)
Report = Callable[[float], None]


def doubled(value: int, report: Report) -> list[int]:
    for step in range(5):
        report(step / 4)
        time.sleep(0.06)  # progress is sent at most every 50 ms
    return [value * 2] * 3


def refused(_value: None, _report: Report) -> None:
    raise ValueError("this file is not for us")


def spin(_value: None, _report: Report) -> None:
    while True:
        pass


def hoard(megabytes: int, _report: Report) -> int:
    return len(bytearray(megabytes * 2**20))


def hang(_value: None, _report: Report) -> None:
    time.sleep(60)


def die(_value: None, _report: Report) -> None:
    os._exit(3)


def smuggle(_value: None, _report: Report) -> object:
    return os.system  # a callable the server would run if it unpickled anything


def test_only_values_come_back_never_something_the_server_would_call() -> None:
    with pytest.raises(SandboxFailed, match="refused"):
        run_limited(smuggle, None, GENEROUS)


def test_the_result_and_progress_come_back() -> None:
    seen: list[float] = []
    assert run_limited(doubled, 21, GENEROUS, seen.append) == [42, 42, 42]
    assert seen and seen == sorted(seen)


def test_the_tasks_own_exception_is_raised_in_the_caller() -> None:
    with pytest.raises(ValueError, match="not for us"):
        run_limited(refused, None, GENEROUS)


@pytest.mark.parametrize(("task", "argument", "limits", "reason"), [
    (spin, None, Limits(cpu_seconds=1, memory_bytes=2**30, wall_seconds=20), "crash"),
    (hoard, 1024, Limits(cpu_seconds=10, memory_bytes=512 * 2**20, wall_seconds=20), "memory"),
    (hang, None, Limits(cpu_seconds=10, memory_bytes=2**30, wall_seconds=1), "time"),
    (die, None, GENEROUS, "crash"),
], ids=["cpu", "memory", "wall clock", "death"])
def test_a_child_past_its_limits_fails_fast(task: sandbox.Task, argument: object, limits: Limits,
                                            reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(SandboxFailed) as failed:
        run_limited(task, argument, limits)
    assert failed.value.reason == reason
    assert time.monotonic() - started < 8


def test_when_every_slot_is_taken_the_caller_is_told_it_is_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "_slots", threading.BoundedSemaphore(1))
    sandbox._slots.acquire()
    with pytest.raises(SandboxFailed, match="busy"):
        run_limited(doubled, 1, Limits(cpu_seconds=5, memory_bytes=2**30, wall_seconds=0.2))
