"""Live boards in one server process: one subscription to the store's board events (data/event_feed.py),
fanned out to each watcher through a bounded queue, and one board read per lot version however many
watch it.

Everything here runs on the server's event loop except `publish` and `resync_all`, which any thread
may call (the committing thread, the listener thread): they hop onto the loop once per batch, not
once per watcher.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from data.event_feed import start_feed
from data.events import Event, UserEvent

QUEUE_SIZE = 64  # events a watcher may lag behind before it is dropped (it reconnects and resyncs)
RESYNC = None  # queued instead of an event: "re-read every lot you show", after a lost subscription
HEARTBEAT_SECONDS = 15.0  # keeps proxies from closing an idle stream


class Heartbeat:
    """Queued to every watcher every HEARTBEAT_SECONDS: "say you are alive". One timer for the
    process, not one per stream: a timeout around each stream's wait armed and cancelled a timer per
    event per watcher, and was a third of a server's CPU at 200 bids a second."""


HEARTBEAT = Heartbeat()


@dataclass(frozen=True)
class Figures:
    """Figures not tied to a lot, pushed whole to the watchers that follow them (the admin's live now,
    domain/reporting/live_now.py): the newest replaces any before it, so nothing needs replaying."""

    name: str
    values: dict[str, int]


Item = Event | Figures | Heartbeat | None


@dataclass(eq=False)
class Watcher:
    lot_ids: frozenset[int]
    user_id: int | None = None  # hears this user's own alerts, and only theirs
    queue: asyncio.Queue[Item] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    dropped: bool = False  # fell behind: the stream ends and the browser reconnects with its versions


class Hub:
    """The process's watchers, by lot. `subscribe` refuses past `max_watchers` (the caller answers 503)."""

    def __init__(self, max_watchers: int, heartbeat_seconds: float = HEARTBEAT_SECONDS) -> None:
        self.max_watchers = max_watchers
        self.heartbeat_seconds = heartbeat_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self._beating: asyncio.Task[None] | None = None  # held: a loop keeps only weak references to tasks
        self._by_lot: dict[int, set[Watcher]] = {}
        self._by_user: dict[int, set[Watcher]] = {}
        self._watchers: set[Watcher] = set()
        self._latest: dict[int, int] = {}
        self.stopping = False  # the server is stopping: no new streams (they would hold its stop)
        self._on_lot_change: list[Callable[[], None]] = []

    def on_lot_change(self, callback: Callable[[], None]) -> None:
        """Call `callback` (on the loop) once per batch that changed any lot, watched or not."""
        if callback not in self._on_lot_change:
            self._on_lot_change.append(callback)

    @property
    def count(self) -> int:
        return len(self._watchers)

    @property
    def watching(self) -> int:
        """Streams that show lots (an alerts-only stream, every page's frame, watches none)."""
        return sum(1 for watcher in self._watchers if watcher.lot_ids)

    def latest(self, lot_id: int) -> int:
        return self._latest.get(lot_id, -1)

    def subscribe(self, lot_ids: Iterable[int], user_id: int | None = None) -> Watcher | None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a (re)started server loop: the streams of an ended one ended with it
            self._forget_everything()
            self._loop = loop
            self._beating = loop.create_task(self._beat())
        start_feed(self.publish, self.resync_all)  # cheap once running; (re)started for this store
        if self.stopping or len(self._watchers) >= self.max_watchers:
            return None
        watcher = Watcher(frozenset(lot_ids), user_id)
        self._watchers.add(watcher)
        for lot_id in watcher.lot_ids:
            self._by_lot.setdefault(lot_id, set()).add(watcher)
        if user_id is not None:
            self._by_user.setdefault(user_id, set()).add(watcher)
        return watcher

    def unsubscribe(self, watcher: Watcher) -> None:
        self._watchers.discard(watcher)
        for lot_id in watcher.lot_ids:
            _leave(self._by_lot, lot_id, watcher)
        if watcher.user_id is not None:
            _leave(self._by_user, watcher.user_id, watcher)

    def publish(self, events: list[Event]) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._fan_out, events)

    def resync_all(self) -> None:
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self._resync)
        else:  # no server loop (yet, or any more): no stream to tell, only the versions to forget, or a
            self._latest.clear()  # lot's new events would look heard already and change nothing

    def _fan_out(self, events: list[Event]) -> None:
        changed = False
        for event in events:
            if isinstance(event, UserEvent):  # heard twice (local + NOTIFY): the stream reads nothing new
                for watcher in self._by_user.get(event.user_id, ()):
                    offer(watcher, event)
                continue
            if self._latest.get(event.lot_id, -1) >= event.version:
                continue  # heard already (from this process's commit, then again from NOTIFY)
            self._latest[event.lot_id] = event.version
            changed = True
            for watcher in self._by_lot.get(event.lot_id, ()):
                offer(watcher, event)
        for callback in self._on_lot_change if changed else ():
            callback()

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            for watcher in list(self._watchers):
                offer(watcher, HEARTBEAT)

    def _forget_everything(self) -> None:
        self._watchers.clear()
        self._by_lot.clear()
        self._by_user.clear()
        self._latest.clear()

    def _resync(self) -> None:
        self._latest.clear()
        for watcher in self._watchers:
            offer(watcher, RESYNC)

    def end_all(self) -> None:
        """End every stream (any thread, a signal handler included): the server is stopping, and it
        waits for open connections, which a stream never closes on its own. Browsers reconnect to a
        live process with the versions they have; one that reconnects here meanwhile is refused."""
        self.stopping = True
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._end_all)

    def _end_all(self) -> None:
        for watcher in self._watchers:
            watcher.dropped = True
            with suppress(asyncio.QueueFull):
                watcher.queue.put_nowait(RESYNC)  # wakes the stream, which sees it was dropped


def _leave(index: dict[int, set[Watcher]], key: int, watcher: Watcher) -> None:
    watching = index.get(key)
    if watching is not None:
        watching.discard(watcher)
        if not watching:
            del index[key]


def offer(watcher: Watcher, item: Item) -> None:
    if watcher.dropped:
        return
    try:
        watcher.queue.put_nowait(item)
    except asyncio.QueueFull:
        watcher.dropped = True  # never block the others on one slow reader


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


T = TypeVar("T", bound=Versioned)


class Boards(Generic[T]):
    """The last board read per lot, shared by every watcher of this process; concurrent asks for the
    same lot share one read (run in a thread: reads are blocking)."""

    MAX_LOTS = 5000

    def __init__(self, read: Callable[[int], T]) -> None:
        self._read = read
        self._have: dict[int, T] = {}
        self._reading: dict[int, asyncio.Future[T]] = {}

    async def at_least(self, lot_id: int, version: int) -> T:
        """A board of `version` or newer: never older than what the event announced."""
        board = self._have.get(lot_id)
        for _ in range(3):  # a read that began before that commit is older: read once more
            if board is not None and board.version >= version:
                return board
            board = await self._read_shared(lot_id)
        assert board is not None
        return board

    def forget(self) -> None:
        self._have.clear()

    async def _read_shared(self, lot_id: int) -> T:
        pending = self._reading.get(lot_id)
        if pending is None or pending.get_loop() is not asyncio.get_running_loop():  # or an ended loop's
            pending = asyncio.ensure_future(asyncio.to_thread(self._read, lot_id))
            self._reading[lot_id] = pending
            pending.add_done_callback(lambda _: self._reading.pop(lot_id, None))
        board = await asyncio.shield(pending)
        if len(self._have) >= self.MAX_LOTS:
            self._have.clear()
        known = self._have.get(lot_id)
        if known is None or known.version < board.version:
            self._have[lot_id] = board
        return self._have[lot_id]
