"""The admin's live now on the live stream (GET /live?figures=live_now), on a real server: an admin gets
the figures and a bid moves them by push; the watchers figure counts the tabs watching lots on this
process and those other processes report through the store; a bidder is refused the figures and never
receives them on their own stream."""

from __future__ import annotations

import queue
import socket
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest

from data.live_presence import EXPIRY, presence_report, presence_total
from data.types import utcnow
from domain.errors import Forbidden
from domain.reporting import live_now as live_now_feed
from domain.reporting.live_now import live_now
from tests.integration import test_live_stream as live
from tests.support.factories import live_lot, make_admin, make_user
from ui.session import COOKIE_NAME

server, fresh_hub = live.server, live.fresh_hub  # the same real server and per-test hub reset


class Figures(live.Reader):
    def next_figures(self, timeout: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            kind, _, data = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if kind == "live_now":
                return data

    def figures_until(self, wanted: dict[str, int], timeout: float = 8.0) -> dict[str, Any]:
        """The first figures pushed that show `wanted` (pushes come only when something changed)."""
        deadline = time.monotonic() + timeout
        while True:
            figures = self.next_figures(timeout=max(0.01, deadline - time.monotonic()))
            if all(figures[name] == value for name, value in wanted.items()):
                return figures


def follow(url: str, who: Any, lots: str = "") -> Figures:
    return Figures(f"{url}/live?lots={lots}&figures=live_now", live.token_for(who))


def tab_watching(url: str, lot_id: int) -> socket.socket:
    """A tab's stream on a bare socket, so closing it closes the connection at once (as a closed tab
    does): the server notices and counts one watcher less."""
    host, port = url.removeprefix("http://").split(":")
    tab = socket.create_connection((host, int(port)), timeout=10)
    tab.sendall(f"GET /live?lots={lot_id} HTTP/1.1\r\nHost: {host}\r\n"
                f"Cookie: {COOKIE_NAME}={live.token_for(make_user())}\r\n\r\n".encode())
    received = b""
    while b"event: hello" not in received:
        chunk = tab.recv(4096)
        assert chunk, f"the server closed the stream: {received.decode(errors='replace')}"
        received += chunk
    return tab


def test_an_admin_gets_the_figures_and_a_bid_moves_them_by_push(store: str, server: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # The periodic read is pushed far out: figures that arrive well before it were pushed by the bid.
    # No stopwatch, so a busy machine cannot fail this.
    monkeypatch.setattr(live_now_feed, "TICK", 600.0)
    lot = live_lot()
    admin = follow(server, make_admin())
    try:
        first = admin.next_figures()
        assert first == {"live_auctions": 1, "live_lots": 1, "bids_last_minute": 0, "watchers": 0}
        live.place(lot.id, "350000")
        assert admin.next_figures(timeout=60.0)["bids_last_minute"] == 1
    finally:
        admin.close()


def test_watchers_are_the_tabs_watching_lots_on_every_process(store: str, server: str) -> None:
    lot = live_lot()
    admin = follow(server, make_admin())
    bidders = [tab_watching(server, lot.id) for _ in range(2)]
    alerts_only = live.Reader(f"{server}/live?lots=", live.token_for(make_user()))  # watches no lot
    try:
        admin.figures_until({"watchers": 2})
        presence_report("another-process", 3, utcnow())  # what a second server process reports
        admin.figures_until({"watchers": 5})
        presence_report("another-process", 3, utcnow() - EXPIRY - timedelta(seconds=1))  # went silent
        admin.figures_until({"watchers": 2})
        bidders[0].close()
        admin.figures_until({"watchers": 1})
    finally:
        for reader in (admin, *bidders, alerts_only):
            reader.close()  # a socket closed twice stays closed


def test_a_bidder_is_refused_the_figures_and_never_receives_them(store: str, server: str) -> None:
    lot = live_lot()
    bidder = make_user()
    response = httpx.get(f"{server}/live?lots={lot.id}&figures=live_now",
                         cookies={COOKIE_NAME: live.token_for(bidder)}, timeout=5)
    assert response.status_code == 403 and "not allowed" in response.text
    admin = follow(server, make_admin())
    own = Figures(f"{server}/live?lots={lot.id}", live.token_for(bidder))
    try:
        admin.next_figures()
        own.next_board()
        live.place(lot.id, "350000")
        admin.figures_until({"bids_last_minute": 1})  # the figures were pushed...
        own.next_board()
        with pytest.raises(queue.Empty):
            own.next_figures(timeout=1.0)  # ...to the admin only
    finally:
        admin.close()
        own.close()
    with pytest.raises(Forbidden):
        live_now(bidder)


def test_the_store_sums_fresh_reports_and_forgets_silent_processes(store: str) -> None:
    # An hour ahead: this process's own feed (the module's server) keeps reporting its tabs at the real
    # time, and those reports are long silent by then.
    now = utcnow() + timedelta(hours=1)
    presence_report("a", 2, now)
    presence_report("b", 3, now - timedelta(seconds=5))
    presence_report("gone", 7, now - EXPIRY - timedelta(seconds=1))
    assert presence_total(now) == 5
    presence_report("a", 0, now)  # its tabs closed
    assert presence_total(now) == 3
    assert presence_total(now + EXPIRY) == 0  # nobody refreshed: nobody counted
