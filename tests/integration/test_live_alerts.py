"""A user's own alerts on the live stream (GET /live): pushed after commit to that user's tabs only,
on a page with boards or without (`lots=`), caught up on a reconnect, refused without a valid cookie,
and heard from another process (NOTIFY on PostgreSQL, the notifications poll on SQLite)."""

from __future__ import annotations

import queue
import time
import uuid
from typing import Any

import httpx
import pytest

from domain.bidding import service
from domain.notifications import Kind, notifications_of
from domain.permissions import Actor
from tests.integration import test_live_stream as live
from tests.support.factories import live_lot, make_user
from ui.session import COOKIE_NAME

server, fresh_hub = live.server, live.fresh_hub  # the same real server and per-test hub reset


class Alerts(live.Reader):
    def next_alert(self, timeout: float = 2.0) -> tuple[str, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            kind, ident, data = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if kind == "alert":
                return ident, data

    def connected(self) -> None:
        kind, _, _ = self.events.get(timeout=5)
        assert kind == "hello"


def bid(who: Actor, lot_id: int, amount: str) -> None:
    service.bid_place(who, lot_id=lot_id, maximum=amount, key=uuid.uuid4().hex)


def test_an_outbid_is_pushed_to_the_outbid_user_only(store: str, server: str) -> None:
    lot = live_lot()
    leader, rival, bystander = make_user(), make_user(), make_user()
    bid(leader, lot.id, "350000")
    mine = Alerts(f"{server}/live?lots=", live.token_for(leader))  # a page without boards
    theirs = Alerts(f"{server}/live?lots={lot.id}", live.token_for(bystander))
    rivals = Alerts(f"{server}/live?lots=", live.token_for(rival))
    try:
        for reader in (mine, theirs, rivals):
            reader.connected()
        started = time.monotonic()
        bid(rival, lot.id, "400000")
        ident, alert = mine.next_alert(timeout=1.0)
        assert time.monotonic() - started < 1.0
        assert alert["kind"] == Kind.OUTBID and "You were outbid" in alert["message"]
        assert alert["lot_id"] == lot.id and alert["unread"] == 1
        assert ident.startswith(f"n{alert['id']}")
        for other in (theirs, rivals):
            with pytest.raises(queue.Empty):
                other.next_alert(timeout=0.5)  # never another user's alert
    finally:
        for reader in (mine, theirs, rivals):
            reader.close()


def test_a_first_connect_does_not_replay_old_alerts_but_a_reconnect_catches_up(store: str,
                                                                                server: str) -> None:
    lot = live_lot()
    leader = make_user()
    bid(leader, lot.id, "350000")
    bid(make_user(), lot.id, "400000")  # an old alert: in the list, not a toast on the next page
    first = Alerts(f"{server}/live?lots=", live.token_for(leader))
    try:
        first.connected()
        with pytest.raises(queue.Empty):
            first.next_alert(timeout=0.5)
    finally:
        first.close()
    seen = notifications_of(leader)[0].id
    bid(leader, lot.id, "450000")
    bid(make_user(), lot.id, "500000")  # outbid again while the tab was away
    again = Alerts(f"{server}/live?lots=", live.token_for(leader), last_id=f"n{seen}")
    try:
        _, alert = again.next_alert()
        assert alert["kind"] == Kind.OUTBID and alert["id"] > seen and alert["unread"] == 2
    finally:
        again.close()


@pytest.mark.parametrize("cookie", ["", "forged.token.value"])
def test_an_alerts_stream_without_a_valid_session_is_refused(store: str, server: str, cookie: str) -> None:
    response = httpx.get(f"{server}/live?lots=", cookies={COOKIE_NAME: cookie}, timeout=5)
    assert response.status_code == 401


def test_an_alert_written_by_another_process_reaches_this_processs_stream(store: str, server: str) -> None:
    lot = live_lot()
    leader = make_user()
    bid(leader, lot.id, "350000")
    mine = Alerts(f"{server}/live?lots=", live.token_for(leader))
    try:
        mine.connected()
        live.bid_from_another_process(lot.id, "400000")
        _, alert = mine.next_alert(timeout=2.0)
        assert alert["kind"] == Kind.OUTBID
    finally:
        mine.close()
