"""Flat combining: requests for the same key that arrive together are served as one batch.

A hot lot's bids queue on its row lock, and each one holds that lock through its commit, a flush to
disk. Batching them changes the arithmetic: the bids one process receives for a lot while another batch
is in progress go in one transaction, so a crowd pays one lock wait and one flush instead of one each.
No thread is added: the first request to find its key idle serves it, taking the waiting requests
with its own (up to `limit`); when it is done it hands the role to the next request still waiting, so no
caller serves others for long. A request that arrives alone is served at once, as a batch of one.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

Request = TypeVar("Request")
Result = TypeVar("Result")


class _Waiter(Generic[Request, Result]):
    """One request: it is woken with its answer, or to serve the next batch itself."""

    __slots__ = ("answer", "request", "serve", "woken")

    def __init__(self, request: Request) -> None:
        self.request = request
        self.woken = threading.Event()
        self.serve = False
        self.answer: Result | BaseException | None = None

    def outcome(self) -> Result:
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer  # type: ignore[return-value]


class Combiner(Generic[Request, Result]):
    """`submit(key, request)` returns `run([...])`'s answer for this request, or raises its error.

    `run` gets a batch of requests for one key, in arrival order, and returns one answer per request:
    a result, or the exception to raise in that request's caller.
    """

    def __init__(self, run: Callable[[list[Request]], Sequence[Result | BaseException]], *,
                 limit: int) -> None:
        self._run = run
        self._limit = limit
        self._lock = threading.Lock()
        self._waiting: dict[Hashable, deque[_Waiter[Request, Result]]] = {}  # present: being served

    def submit(self, key: Hashable, request: Request) -> Result:
        me: _Waiter[Request, Result] = _Waiter(request)
        with self._lock:
            queue = self._waiting.get(key)
            if queue is None:
                self._waiting[key] = deque()
                me.serve = True
            else:
                queue.append(me)
        if not me.serve:
            me.woken.wait()
        if me.serve:
            self._serve(key, me)
        return me.outcome()

    def _serve(self, key: Hashable, me: _Waiter[Request, Result]) -> None:
        batch = [me, *self._take(key, self._limit - 1)]
        try:
            answers = list(self._run([waiter.request for waiter in batch]))
            if len(answers) != len(batch):
                raise RuntimeError(f"{len(answers)} answers to {len(batch)} requests")
        except BaseException as error:  # every caller in the batch hears of it, none waits forever
            answers = [error] * len(batch)
        finally:
            self._hand_on(key)
        for waiter, answer in zip(batch, answers, strict=True):  # lengths checked above
            waiter.answer = answer
            if waiter is not me:
                waiter.woken.set()

    def _take(self, key: Hashable, count: int) -> list[_Waiter[Request, Result]]:
        with self._lock:
            queue = self._waiting[key]
            return [queue.popleft() for _ in range(min(count, len(queue)))]

    def _hand_on(self, key: Hashable) -> None:
        with self._lock:
            queue = self._waiting[key]
            if not queue:
                del self._waiting[key]
                return
            successor = queue.popleft()
            successor.serve = True
        successor.woken.set()
