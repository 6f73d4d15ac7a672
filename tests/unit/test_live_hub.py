"""The process's hub of watchers, without a store or a server: what it remembers between server loops."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from data.events import LotEvent
from domain.bidding import live
from domain.bidding.live import Hub


@pytest.fixture(autouse=True)
def no_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "start_feed", lambda on_events, on_lost: None)


def hear_on_a_server_loop(hub: Hub, event: LotEvent) -> None:
    """A server loop that opens one stream, hears `event`, and ends (a restarted server, a new test).
    In a thread of its own, as a server's loop runs (this thread may hold a loop already: Playwright's)."""

    async def serve() -> None:
        hub.subscribe([event.lot_id])
        hub.publish([event])
        await asyncio.sleep(0.01)  # the fan-out hops onto this loop

    with ThreadPoolExecutor(1) as server_thread:
        server_thread.submit(asyncio.run, serve()).result(timeout=10)


def test_a_resync_with_no_server_loop_forgets_the_versions_heard() -> None:
    """Lot ids restart in a new store: the next server's first events are new, not heard already."""
    hub, changes = Hub(max_watchers=10), []
    hub.on_lot_change(lambda: changes.append("changed"))
    hear_on_a_server_loop(hub, LotEvent(lot_id=1, version=5))
    assert hub.latest(1) == 5 and changes == ["changed"]
    hub.resync_all()  # the loop that heard version 5 has ended
    assert hub.latest(1) == -1
    hear_on_a_server_loop(hub, LotEvent(lot_id=1, version=2))
    assert changes == ["changed", "changed"]


def test_every_watcher_hears_a_heartbeat_from_one_timer_for_the_process() -> None:
    async def scenario() -> None:
        hub = Hub(max_watchers=10, heartbeat_seconds=0.05)
        first, second = hub.subscribe([1]), hub.subscribe([], user_id=7)
        assert first is not None and second is not None
        for watcher in (first, second):
            assert await asyncio.wait_for(watcher.queue.get(), 1) is live.HEARTBEAT
        assert len([task for task in asyncio.all_tasks() if task is not asyncio.current_task()]) == 1

    with ThreadPoolExecutor(1) as server_thread:  # this thread may hold a loop already (Playwright's)
        server_thread.submit(asyncio.run, scenario()).result(timeout=10)
