"""Board events leave a transaction only when it commits: on both stores, in this process and (on
PostgreSQL) to every listening connection."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from data import event_feed
from data.db import get_engine, make_engine, use_database
from data.events import CHANNEL, Event, LotEvent, UserEvent, add_sink, decode, remove_sink
from data.settings import get_settings
from data.uow import UnitOfWork
from domain.bidding import hooks, service
from domain.bidding.settlement import settle_lot
from domain.notifications import Kind, notify
from tests.support.factories import live_lot, lot_now, make_user


@pytest.fixture
def heard() -> Iterator[list[Event]]:
    events: list[Event] = []

    def sink(batch: list[Event]) -> None:
        events.extend(batch)

    add_sink(sink)
    yield events
    remove_sink(sink)


def bid(lot_id: int, amount: str) -> None:
    service.bid_place(make_user(), lot_id=lot_id, maximum=amount, key=uuid.uuid4().hex)


def test_a_committed_bid_publishes_its_lots_new_version(store: str, heard: list[Event]) -> None:
    lot = live_lot()
    heard.clear()
    bid(lot.id, "350000")
    assert heard == [LotEvent(lot.id, lot_now(lot.id).version)]


def test_a_rolled_back_bid_publishes_nothing(store: str, heard: list[Event]) -> None:
    lot = live_lot()
    heard.clear()

    def crash(_lot_id: int) -> None:
        raise RuntimeError("the connection died before commit")

    hooks.set_inside_bid(crash)
    try:
        with pytest.raises(RuntimeError):
            bid(lot.id, "350000")
    finally:
        hooks.set_inside_bid(None)
    assert heard == []
    assert lot_now(lot.id).bid_count == 0


def test_settling_a_lot_publishes_too(store: str, heard: list[Event]) -> None:
    lot = live_lot()
    bid(lot.id, "350000")
    heard.clear()
    settle_lot(lot.id, now=lot_now(lot.id).ends_at)
    assert LotEvent(lot.id, lot_now(lot.id).version) in heard
    leader = lot_now(lot.id).leader_id
    assert leader is not None and UserEvent(leader) in heard  # the winner (or the reserve's) notice


def test_a_notice_without_a_lot_change_publishes_its_user_only(store: str, heard: list[Event]) -> None:
    user = make_user()
    with UnitOfWork() as uow:
        notify(uow, user.id, Kind.ENDING_SOON, "A lot you watch closes soon.")
        uow.commit()
    assert heard == [UserEvent(user.id)]


def test_postgres_notifies_other_connections_only_at_commit(store: str) -> None:
    if store != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    lot = live_lot()
    url = get_settings().url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        hooks.set_inside_bid(lambda _lot: (_ for _ in ()).throw(RuntimeError("rolled back")))
        try:
            with pytest.raises(RuntimeError):
                bid(lot.id, "350000")
        finally:
            hooks.set_inside_bid(None)
        bid(lot.id, "360000")
        payloads = [decode(n.payload) for n in listener.notifies(timeout=2, stop_after=1)]
    assert payloads == [[LotEvent(lot.id, lot_now(lot.id).version)]]
    assert lot_now(lot.id).bid_count == 1


def test_a_feed_ends_once_the_process_serves_another_store(store: str) -> None:
    """Tests move a process from store to store, and lot ids restart in each: a late event of the old
    one would name another lot of the new one (and make the hub take its next version as heard)."""
    engine, url = get_engine(), get_settings().url
    heard: list[Event] = []
    feed = threading.Thread(target=event_feed._listen if store == "postgresql" else event_feed._poll,
                            args=(engine, heard.extend, lambda: None), daemon=True)
    feed.start()
    time.sleep(0.5)  # listening, or polling from the change log's end
    use_database(None)  # the process leaves this store
    old = make_engine(url)
    try:
        if store == "postgresql":
            with old.connect() as conn:  # wakes the listener with an event of the store it left
                conn.exec_driver_sql(f"SELECT pg_notify('{CHANNEL}', '1:99')")
                conn.commit()
        feed.join(5)
    finally:
        old.dispose()
    assert not feed.is_alive() and heard == []
