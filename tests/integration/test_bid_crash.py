"""A bid is all in or all out, even when its database connection dies mid-transaction (PostgreSQL).

The test seam `domain.bidding.hooks.set_inside_bid` pauses a real bid after its writes and before its
commit. Another connection then kills that bid's backend (`pg_terminate_backend`), the way a crashed
app server or a cut network would end it. The bid call must fail, and the bid row, the lot's price,
leader, counters and version, the audit entry, the notification and the change log must all be as
they were. The control case lets the paused bid commit and sees every one of them arrive together.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, func, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import select

from data.models import AuctionParticipant, AuditLog, Bid, Car, ChangeLog, Lot, LotBidder, Notification
from data.settings import get_settings
from data.uow import UnitOfWork
from domain.bidding.hooks import set_inside_bid
from domain.bidding.service import BidReceipt, bid_place
from domain.errors import DomainError
from domain.permissions import Actor
from tests.support.factories import live_lot, make_user

WAIT_S = 30

NO_SQLITE = ("SQLite has no server backend to kill: a crashed writer there is a process dying, and its "
             "journal rollback is SQLite's own guarantee. This test needs TEST_DATABASE_URL (CI sets it).")


@dataclass(frozen=True)
class Snapshot:
    """Everything a bid writes, read from outside the bid's transaction."""

    lot: tuple[Any, ...]
    listing_price: Decimal | None
    bids: int
    audit: int
    notifications: int
    change_log: int
    lot_bidders: int
    participants: int


def snapshot(conn: Connection, lot_id: int) -> Snapshot:
    lot = conn.execute(select(Lot.current_price, Lot.leader_id, Lot.leader_max, Lot.bid_count,
                              Lot.bidder_count, Lot.version, Lot.ends_at, Lot.car_id)
                       .where(Lot.id == lot_id)).one()

    def count(model: type, *where: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one())

    return Snapshot(
        lot=tuple(lot),
        listing_price=conn.execute(select(Car.listing_price).where(Car.id == lot.car_id)).scalar_one(),
        bids=count(Bid, Bid.lot_id == lot_id),
        audit=count(AuditLog, AuditLog.action == "bid_place", AuditLog.entity_id == lot_id),
        notifications=count(Notification, Notification.lot_id == lot_id),
        change_log=count(ChangeLog),
        lot_bidders=count(LotBidder, LotBidder.lot_id == lot_id),
        participants=count(AuctionParticipant),
    )


@contextmanager
def outside_connection() -> Iterator[Connection]:
    """A connection of our own, not from the app's pool: it watches and kills the bid's backend."""
    engine = create_engine(get_settings().url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@dataclass
class PausedBid:
    """A bid running in a thread, held by the hook between its writes and its commit."""

    inside: threading.Event
    release: threading.Event
    receipt: BidReceipt | None = None
    error: BaseException | None = None


@contextmanager
def paused_bid(actor: Actor, lot_id: int, maximum: str) -> Iterator[PausedBid]:
    paused = PausedBid(threading.Event(), threading.Event())

    def hook(hooked_lot: int) -> None:
        assert hooked_lot == lot_id
        paused.inside.set()
        paused.release.wait(WAIT_S)

    def place() -> None:
        try:
            paused.receipt = bid_place(actor, lot_id=lot_id, maximum=maximum, key=uuid.uuid4().hex)
        except BaseException as error:  # the main thread asserts on it
            paused.error = error

    set_inside_bid(hook)
    worker = threading.Thread(target=place)
    try:
        worker.start()
        assert paused.inside.wait(WAIT_S), "the bid never reached the hook"
        yield paused
    finally:
        set_inside_bid(None)
        paused.release.set()
        worker.join(WAIT_S)
    assert not worker.is_alive()


def backend_in_transaction(conn: Connection) -> int:
    """The one backend of this database idle inside an open transaction: the paused bid's."""
    pids = conn.execute(text(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")).scalars().all()
    assert len(pids) == 1, f"expected exactly the paused bid's backend, found {pids}"
    return int(pids[0])


def kill(conn: Connection, pid: int) -> None:
    assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    until_gone(lambda: conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                    {"pid": pid}).scalar_one() == 0)


def until_gone(done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done():
        assert time.monotonic() < deadline, "the killed backend did not go away"
        time.sleep(0.02)


@pytest.fixture
def bidding(store: str) -> tuple[int, Actor, Actor]:
    """A live lot with one bid on it (so the bid under test outbids a leader), and the next bidder."""
    if store == "sqlite":
        pytest.skip(NO_SQLITE)
    lot = live_lot()
    assert lot.id is not None
    leader, challenger = make_user(), make_user()
    bid_place(leader, lot_id=lot.id, maximum="350000", key=uuid.uuid4().hex)
    return lot.id, leader, challenger


def test_a_bid_whose_connection_is_killed_leaves_nothing(bidding: tuple[int, Actor, Actor]) -> None:
    lot_id, _, challenger = bidding
    with outside_connection() as conn:
        before = snapshot(conn, lot_id)
        with paused_bid(challenger, lot_id, "450000") as bid:
            kill(conn, backend_in_transaction(conn))
        assert bid.receipt is None, "the bid reported success after its connection was killed"
        assert isinstance(bid.error, OperationalError | DomainError), repr(bid.error)
        assert snapshot(conn, lot_id) == before
    with UnitOfWork(write=False) as uow:  # the app's pool recovers: the next bid goes through
        assert uow.session.exec(select(Lot.bid_count).where(Lot.id == lot_id)).one() == 1
    assert bid_place(challenger, lot_id=lot_id, maximum="450000", key=uuid.uuid4().hex).leading


def test_a_bid_that_commits_arrives_whole(bidding: tuple[int, Actor, Actor]) -> None:
    lot_id, leader, challenger = bidding
    with outside_connection() as conn:
        before = snapshot(conn, lot_id)
        with paused_bid(challenger, lot_id, "450000") as bid:
            backend_in_transaction(conn)  # the bid's writes are pending in exactly one transaction ...
            assert snapshot(conn, lot_id) == before  # ... and nobody outside can see any of them yet
        assert bid.error is None and bid.receipt is not None and bid.receipt.leading
        after = snapshot(conn, lot_id)
    price, leader_id, leader_max, bid_count, bidder_count, version, ends_at, car_id = before.lot
    assert (price, leader_id, leader_max) == (Decimal(300_000), leader.id, Decimal(350_000))
    assert after.lot == (Decimal(400_000), challenger.id, Decimal(450_000), bid_count + 1, bidder_count + 1,
                         version + 1, ends_at, car_id)
    assert after.listing_price == Decimal(400_000)
    assert (after.bids, after.audit, after.notifications, after.lot_bidders, after.participants) == (
        before.bids + 1, before.audit + 1, before.notifications + 1, before.lot_bidders + 1,
        before.participants + 1)
    assert after.change_log > before.change_log
