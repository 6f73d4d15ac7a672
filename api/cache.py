"""One-second, per-process caches of public read models (a lot's board, the auction lists, car search
pages): what every signed-in user sees alike. Like the lot page's `st.cache_data(ttl=1)`, database
reads then grow with processes and distinct keys, not with users. Never for sessions or per-user data:
each request still checks its session in the store. A process's own write to a lot drops that lot's
board at once (`forget`), so a bidder sees their bid; other processes catch up within the second."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

from domain.auctions.lifecycle import Phase
from domain.auctions.queries import AuctionCard
from domain.bidding.board import LotBoard
from domain.inventory.catalog import BrowsePage

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Fresh(Generic[K, V]):
    """`get(key, load)`: the value loaded less than `seconds` ago, or a new one (errors are not kept).
    Concurrent misses of one key wait for the first loader instead of all querying the store."""

    def __init__(self, seconds: float, max_entries: int) -> None:
        self.seconds, self.max_entries = seconds, max_entries
        self._items: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: K, load: Callable[[], V]) -> V:
        found = self._items.get(key)
        if found is not None and found[0] > time.monotonic():
            return found[1]
        with self._guard:
            lock = self._loading.setdefault(key, threading.Lock())
        try:
            with lock:
                found = self._items.get(key)
                if found is not None and found[0] > time.monotonic():
                    return found[1]
                value = load()
                self._keep(key, value)
                return value
        finally:
            with self._guard:
                self._loading.pop(key, None)

    async def aget(self, key: K, load: Callable[[], V]) -> V:
        """`get` for async routes: a fresh value without leaving the event loop; a load (which blocks
        on the store) in a worker thread."""
        found = self._items.get(key)
        if found is not None and found[0] > time.monotonic():
            return found[1]
        return await run_in_threadpool(self.get, key, load)

    def forget(self, key: K) -> None:
        self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def _keep(self, key: K, value: V) -> None:
        with self._guard:
            if len(self._items) >= self.max_entries:
                now = time.monotonic()
                for stale in [k for k, (until, _) in self._items.items() if until <= now]:
                    del self._items[stale]
                while len(self._items) >= self.max_entries:
                    del self._items[next(iter(self._items))]
            self._items[key] = (time.monotonic() + self.seconds, value)


class ReadCaches:
    """The process's read caches, one per app (`app.state.reads`): a fresh app starts empty."""

    def __init__(self, seconds: float) -> None:
        self.boards: Fresh[int, LotBoard] = Fresh(seconds, max_entries=20_000)
        self.auctions: Fresh[Phase, list[AuctionCard]] = Fresh(seconds, max_entries=16)
        self.car_pages: Fresh[Hashable, BrowsePage] = Fresh(seconds, max_entries=2_000)
