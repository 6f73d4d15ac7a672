"""The live board stream (GET /live) on a real server: pushed bids, reconnects that catch up with the
store, cookie authentication, a slow watcher dropped without holding up the rest, and bids placed by
another process reaching this one's watchers (NOTIFY on PostgreSQL, the change-log poll on SQLite)."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from data.events import LotEvent
from data.settings import get_settings
from data.uow import UnitOfWork
from domain.accounts import auth
from domain.accounts.security import issue_token
from domain.bidding import service
from domain.bidding.live import HEARTBEAT, Boards, Hub
from domain.permissions import Actor
from ops.ports import free_port
from tests.support.factories import live_lot, lot_now, make_user
from ui import stream
from ui.format import money
from ui.session import COOKIE_NAME


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(Starlette(routes=[Route("/live", stream.live_stream)]), host="127.0.0.1",
                            port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(5)


@pytest.fixture(autouse=True)
def fresh_hub(store: str) -> None:
    """Lot ids restart in each wiped store: forget the versions and boards of the previous test's."""
    stream.hub.resync_all()
    time.sleep(0.2)  # the previous test's streams close and their resync reads finish
    stream.boards.forget()


def token_for(actor: Actor) -> str:
    with UnitOfWork() as uow:
        _, token = auth.session_open(uow, user_id=actor.id, address="test", now=lot_now_utc())
        uow.commit()
    return token


def lot_now_utc() -> Any:
    from data.types import utcnow
    return utcnow()


class Reader:
    """Reads one stream in a thread; `next_board` waits for the next board event."""

    def __init__(self, url: str, token: str, last_id: str | None = None) -> None:
        self.events: queue.Queue[tuple[str, str, dict[str, Any]]] = queue.Queue()
        headers = {"Last-Event-ID": last_id} if last_id else {}
        self._client = httpx.Client(cookies={COOKIE_NAME: token}, headers=headers, timeout=30)
        self._url = url
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            with self._client.stream("GET", self._url) as response:
                kind, ident = "", ""
                for line in response.iter_lines():
                    if line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("id: "):
                        ident = line[4:]
                    elif line.startswith("data: "):
                        self.events.put((kind, ident, json.loads(line[6:])))
        except httpx.HTTPError:
            pass

    def next_board(self, timeout: float = 2.0) -> tuple[str, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            kind, ident, data = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if kind == "board":
                return ident, data

    def close(self) -> None:
        self._client.close()


def place(lot_id: int, amount: str) -> Actor:
    bidder = make_user()
    service.bid_place(bidder, lot_id=lot_id, maximum=amount, key=uuid.uuid4().hex)
    return bidder


def test_a_committed_bid_reaches_the_watcher_within_a_second(store: str, server: str) -> None:
    lot = live_lot()
    watcher = Reader(f"{server}/live?lots={lot.id}", token_for(make_user()))
    try:
        _, first = watcher.next_board()
        assert first["bid_count"] == 0 and first["leader"] == "no bids yet"
        place(lot.id, "350000")
        started = time.monotonic()
        ident, board = watcher.next_board(timeout=1.0)
        assert time.monotonic() - started < 1.0
        assert board["bid_count"] == 1 and board["leader"].startswith("Bidder ")
        assert ident.endswith(f",{lot.id}:{lot_now(lot.id).version}")
        text = json.dumps(board, ensure_ascii=False)
        assert money(D("350000")) not in text and money(D("400000")) not in text  # hidden max, reserve
    finally:
        watcher.close()


def test_the_leader_sees_you_and_others_see_a_pseudonym(store: str, server: str) -> None:
    lot = live_lot()
    leader = place(lot.id, "350000")
    mine, theirs = (Reader(f"{server}/live?lots={lot.id}", token_for(who)) for who in (leader, make_user()))
    try:
        assert mine.next_board()[1]["leader"] == "you"
        assert theirs.next_board()[1]["leader"].startswith("Bidder ")
    finally:
        mine.close()
        theirs.close()


def test_a_reconnect_with_an_old_event_id_gets_the_current_board_once(store: str, server: str) -> None:
    lot = live_lot()
    place(lot.id, "350000")
    old = lot_now(lot.id).version
    place(lot.id, "360000")
    place(lot.id, "380000")
    current = lot_now(lot.id).version
    again = Reader(f"{server}/live?lots={lot.id}", token_for(make_user()), last_id=f"{lot.id}:{old}")
    up_to_date = Reader(f"{server}/live?lots={lot.id}", token_for(make_user()), last_id=f"{lot.id}:{current}")
    try:
        ident, board = again.next_board()
        assert ident.endswith(f",{lot.id}:{current}") and board["bid_count"] == 3
        with pytest.raises(queue.Empty):
            again.next_board(timeout=0.5)  # nothing twice, nothing older
        with pytest.raises(queue.Empty):
            up_to_date.next_board(timeout=0.5)  # it has everything already
    finally:
        again.close()
        up_to_date.close()


@pytest.mark.parametrize("cookie", ["", "forged.token.value", "expired"])
def test_a_missing_forged_or_expired_cookie_is_refused(store: str, server: str, cookie: str) -> None:
    lot = live_lot()
    if cookie == "expired":
        actor = make_user()
        cookie = issue_token(user_id=actor.id, session_id="gone", now=lot_now_utc(), ttl=-get_ttl())
    response = httpx.get(f"{server}/live?lots={lot.id}", cookies={COOKIE_NAME: cookie}, timeout=5)
    assert response.status_code == 401


def get_ttl() -> Any:
    from datetime import timedelta
    return timedelta(minutes=1)


def test_bad_lot_lists_and_unknown_lots_are_refused(store: str, server: str) -> None:
    token = token_for(make_user())
    for query, status in (("lots=abc", 400), ("lots=" + ",".join(["1"] * 61), 400),
                          ("lots=999999", 404)):
        response = httpx.get(f"{server}/live?{query}", cookies={COOKIE_NAME: token}, timeout=5)
        assert response.status_code == status


def test_past_the_cap_a_stream_gets_a_clear_503(store: str, server: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    lot = live_lot()
    monkeypatch.setattr(stream.hub, "max_watchers", 0)
    token = token_for(make_user())
    response = httpx.get(f"{server}/live?lots={lot.id}", cookies={COOKIE_NAME: token}, timeout=5)
    assert response.status_code == 503 and "Too many live connections" in response.text


def test_a_slow_watcher_is_dropped_without_slowing_the_others(store: str) -> None:
    async def scenario() -> None:
        hub = Hub(max_watchers=10)
        hub._loop = asyncio.get_running_loop()  # no store feed: events are published by hand
        slow, fast = hub.subscribe([1]), hub.subscribe([1])
        assert slow is not None and fast is not None
        got: list[int] = []

        async def consume() -> None:
            while len(got) < 200:
                event = await fast.queue.get()
                assert event is not None
                got.append(event.version)

        reader = asyncio.create_task(consume())
        for version in range(1, 201):
            hub.publish([LotEvent(1, version)])
            await asyncio.sleep(0)
        await asyncio.wait_for(reader, 2)
        assert got == list(range(1, 201)) and not fast.dropped
        assert slow.dropped and slow.queue.full()

    asyncio.run(scenario())


def test_a_watcher_behind_by_several_bids_gets_the_newest_board_once_in_one_write(
        store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "boards", Boards(stream._settled_board))  # reads on this test's own loop
    lot = live_lot()
    versions = []
    for amount in ("350000", "360000", "380000"):
        place(lot.id, amount)
        versions.append(lot_now(lot.id).version)

    async def scenario() -> str:
        hub = Hub(max_watchers=10)
        hub._loop = asyncio.get_running_loop()  # no store feed: events are published by hand
        watcher = hub.subscribe([lot.id], user_id=None)
        assert watcher is not None
        queued = [LotEvent(lot.id, version) for version in versions] + [HEARTBEAT]
        return await stream._said(watcher, stream._Tab(0, f"{lot.id}:{versions[0] - 1}", [lot.id]), queued)

    said = asyncio.run(scenario())
    assert said.count("event: board") == 1 and said.count("event: hello") == 1
    assert f'"version": {versions[-1]},' in said and '"bid_count": 3,' in said
    assert said.index("event: hello") < said.index("event: board")


def test_a_bid_placed_by_another_process_reaches_this_processs_watchers(store: str, server: str) -> None:
    lot = live_lot()
    watcher = Reader(f"{server}/live?lots={lot.id}", token_for(make_user()))
    try:
        watcher.next_board()
        bid_from_another_process(lot.id, "350000")
        ident, board = watcher.next_board(timeout=2.0)
        assert board["bid_count"] == 1 and ident.endswith(f",{lot.id}:{lot_now(lot.id).version}")
    finally:
        watcher.close()


def bid_from_another_process(lot_id: int, amount: str) -> None:
    env = dict(os.environ, DATABASE_URL=get_settings().url)
    code = ("import uuid\nfrom domain.bidding import service\n"
            "from tests.support.factories import make_user\n"
            "bidder = make_user(email=uuid.uuid4().hex + '@example.com')\n"
            f"service.bid_place(bidder, lot_id={lot_id}, maximum='{amount}', key=uuid.uuid4().hex)")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
