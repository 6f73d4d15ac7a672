"""Flat combining: every request gets its own answer, crowds are batched, nobody waits forever."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from domain.bidding.combiner import Combiner


class Recorder:
    """A `run` that answers each request with its double, remembering the batches it was given."""

    def __init__(self, pause: float = 0.0) -> None:
        self.batches: list[list[int]] = []
        self.pause = pause
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, requests: list[int]) -> Sequence[int | BaseException]:
        with self._lock:
            self.batches.append(list(requests))
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(self.pause)
        with self._lock:
            self.running -= 1
        return [ValueError(f"odd {r}") if r < 0 else r * 2 for r in requests]


def crowd(combiner: Combiner[int, int], requests: list[tuple[str, int]]) -> dict[int, object]:
    """Submit every (key, request) from its own thread, all released at once; request -> answer."""
    answers: dict[int, object] = {}
    start = threading.Barrier(len(requests))

    def one(key: str, request: int) -> None:
        start.wait()
        try:
            answers[request] = combiner.submit(key, request)
        except ValueError as error:
            answers[request] = error

    threads = [threading.Thread(target=one, args=pair) for pair in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not any(thread.is_alive() for thread in threads), "a request was never answered"
    return answers


def test_a_lone_request_is_served_at_once_by_its_caller() -> None:
    run = Recorder()
    assert Combiner(run, limit=8).submit("lot", 21) == 42
    assert run.batches == [[21]]


def test_a_crowd_is_batched_and_each_gets_its_own_answer() -> None:
    run = Recorder(pause=0.02)
    combiner = Combiner(run, limit=8)
    answers = crowd(combiner, [("lot", n) for n in range(1, 41)])
    assert answers == {n: n * 2 for n in range(1, 41)}
    assert sorted(r for batch in run.batches for r in batch) == list(range(1, 41))  # each once
    assert max(len(batch) for batch in run.batches) > 1
    assert all(len(batch) <= 8 for batch in run.batches)
    assert run.most_at_once == 1  # one batch at a time for one key


def test_different_keys_are_served_side_by_side() -> None:
    run = Recorder(pause=0.05)
    crowd(Combiner(run, limit=8), [(f"lot{n}", n) for n in range(1, 5)])
    assert run.most_at_once > 1


def test_a_refusal_reaches_only_its_own_caller() -> None:
    answers = crowd(Combiner(Recorder(pause=0.01), limit=8), [("lot", n) for n in (1, -2, 3, -4, 5)])
    assert {k: v for k, v in answers.items() if not isinstance(v, ValueError)} == {1: 2, 3: 6, 5: 10}
    assert {k for k, v in answers.items() if isinstance(v, ValueError)} == {-2, -4}


def test_a_failed_batch_fails_its_callers_and_the_key_keeps_working() -> None:
    def broken(requests: list[int]) -> list[int]:
        raise ConnectionError("store unreachable")

    failing: Combiner[int, int] = Combiner(broken, limit=8)
    with pytest.raises(ConnectionError):
        failing.submit("lot", 1)
    with pytest.raises(ConnectionError):
        failing.submit("lot", 2)  # not stuck behind the failed batch

    def short(requests: list[int]) -> list[int]:
        return []

    with pytest.raises(RuntimeError, match="0 answers to 1 requests"):
        Combiner(short, limit=8).submit("lot", 1)
