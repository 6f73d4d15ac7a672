"""The analytics copy is exact: after concurrent bids, voids, retractions, buy-nows, settlements, a
role change, a hard delete and a transaction that commits late — all while the refresher runs in
another thread — the incremental copy equals a full rebuild and equals the store, on both stores."""

from __future__ import annotations

import contextlib
import random
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import text

from analytics.copy import compact, refresh
from analytics.copy.schema import TABLES
from analytics.copy.storage import manifest_read, manifest_write
from analytics.memory import DEALER_VIEWS
from analytics.reader import connect
from data.db import get_engine
from data.models import Car
from data.types import utcnow
from data.uow import UnitOfWork
from domain.bidding import hooks, service
from domain.bidding.retraction import RetractReason, bid_retract, bid_void
from domain.bidding.settlement import settle_lot
from domain.errors import DomainError
from domain.oversight import admin
from domain.types import Role
from tests.support.factories import live_lot, make_admin, make_car, make_dealer, make_user


@pytest.fixture
def copy_dir(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own copy folder (the store is emptied between tests)."""
    monkeypatch.setattr(compact, "MERGE_AT", 3)  # exercise merging and folding during the test
    return data_dir / "analytics"


class Refresher(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop, self.rounds, self.error = threading.Event(), 0, None
        self.round_done = threading.Condition()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                if not refresh.refresh_once().skipped:
                    with self.round_done:
                        self.rounds += 1
                        self.round_done.notify_all()
                with connect() as cursor:  # a reader during refreshes and compactions
                    cursor.execute("SELECT count(*), sum(price_after) FROM bids").fetchall()
        except Exception as error:  # reported by the test, not lost in the thread
            self.error = error  # type: ignore[assignment]

    def wait_rounds(self, more: int) -> None:
        with self.round_done:
            target = self.rounds + more
            assert self.round_done.wait_for(lambda: self.rounds >= target or self.error, timeout=30)


def bid(actor, lot_id: int, amount: int):  # type: ignore[no-untyped-def]
    return service.bid_place(actor, lot_id=lot_id, maximum=str(amount), key=uuid.uuid4().hex)


def bidding(bidders: list, lots: list[int], placed: list, seed: int) -> None:  # type: ignore[type-arg]
    rng = random.Random(seed)
    for _ in range(8):
        who, lot_id = rng.choice(bidders), rng.choice(lots)
        with contextlib.suppress(DomainError):  # too low by now: the race is the point
            placed.append((who, bid(who, lot_id, 300_000 + rng.randrange(1, 60) * 5_000)))


def test_incremental_copy_equals_rebuild_and_store(store: str, copy_dir: Path) -> None:
    boss, dealer = make_admin(), make_dealer()
    bidders = [make_user() for _ in range(5)]
    lots = [live_lot(dealer).id for _ in range(4)]
    buy_now_lot, late_lot = live_lot(dealer, reserve=None).id, live_lot(dealer).id
    spare_car = make_car(dealer)
    refresh.refresh_once()
    refresher = Refresher()
    refresher.start()

    placed: list = []  # type: ignore[type-arg]
    workers = [threading.Thread(target=bidding, args=(bidders, lots, placed, n)) for n in range(3)]
    for worker in workers:
        worker.start()
    _late_commit(refresher, bidders[0], late_lot)
    for worker in workers:
        worker.join()
    _remove_some(boss, placed)
    service.lot_buy_now(bidders[1], lot_id=buy_now_lot, key=uuid.uuid4().hex)
    for lot_id in lots[:2]:  # a sure active bid first: every bid on it may have been removed
        bid(bidders[3], lot_id, 600_000)
        settle_lot(lot_id, now=utcnow() + timedelta(hours=4))
    admin.user_set_roles(boss, bidders[2].id, {Role.BIDDER, Role.ANALYST})
    with UnitOfWork() as uow:  # a hard delete: the copy must drop the row (a tombstone)
        uow.session.delete(uow.session.get(Car, spare_car.id))
        uow.commit()
    refresher.wait_rounds(2)
    refresher.stop.set()
    refresher.join()
    assert refresher.error is None and refresher.rounds >= 3

    _refresh_until_caught_up()
    full = copy_dir.parent / "full"
    refresh.rebuild(folder=full)
    _assert_same_copies(copy_dir, full)
    _assert_copy_matches_store()


def _refresh_until_caught_up(timeout_s: float = 120.0) -> None:
    """Refresh until the copy's cursor has passed every change of this test.

    On PostgreSQL the change-log horizon is the oldest transaction running on the whole server (ids are
    cluster-wide), so on a server shared with other test runs it can trail for a while: wait for it.
    """
    with get_engine().connect() as conn:
        last = conn.execute(text("SELECT coalesce(max(txid), max(id), 0) FROM change_log")).scalar_one()
    if get_engine().dialect.name == "postgresql":
        last += 1  # the PostgreSQL cursor is the first transaction id not yet read; SQLite's, the last id
    deadline = time.monotonic() + timeout_s
    while True:
        assert not refresh.refresh_once().skipped
        manifest = manifest_read()
        assert manifest is not None
        if manifest.cursor >= last or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert manifest.cursor >= last, "the change-log horizon never passed this test's changes"


def _late_commit(refresher: Refresher, bidder, lot_id: int) -> None:  # type: ignore[no-untyped-def]
    """One bid holds its transaction open across refreshes, then commits."""
    entered, release = threading.Event(), threading.Event()

    def hold(_lot: int) -> None:
        if threading.current_thread().name == "late":
            entered.set()
            release.wait(30)

    hooks.set_inside_bid(hold)
    late = threading.Thread(target=bid, args=(bidder, lot_id, 350_000), name="late")
    try:
        late.start()
        assert entered.wait(30)
        refresher.wait_rounds(2)
    finally:
        release.set()
        late.join()
        hooks.set_inside_bid(None)


def _remove_some(boss, placed: list) -> None:  # type: ignore[no-untyped-def, type-arg]
    for n, (who, receipt) in enumerate(placed[:6]):
        try:
            if n % 2:
                bid_void(boss, receipt.bid_id, reason="Shill bidding suspected")
            else:
                bid_retract(who, receipt.bid_id, reason=RetractReason.MISTYPED)
        except DomainError:
            pass  # already removed


def _assert_same_copies(incremental: Path, full: Path) -> None:
    con = duckdb.connect()
    for name in [*TABLES, *DEALER_VIEWS]:
        with connect(incremental) as a, connect(full) as b:
            con.register("a", a.sql(f"SELECT * FROM {name}").to_arrow_table())
            con.register("b", b.sql(f"SELECT * FROM {name}").to_arrow_table())
        extra = con.execute("SELECT count(*) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b)").fetchall()
        missing = con.execute("SELECT count(*) FROM (SELECT * FROM b EXCEPT ALL SELECT * FROM a)").fetchall()
        assert (name, extra, missing) == (name, [(0,)], [(0,)]), con.execute(
            "(SELECT 'copy' AS side, * FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b)) UNION ALL "
            "(SELECT 'rebuild', * FROM (SELECT * FROM b EXCEPT ALL SELECT * FROM a))").df().to_string()


# Independent of the copy's own reader: values straight from the store, compared column by column.
STORE_CHECKS = {
    "lots": "SELECT id, current_price, leader_id, bid_count, bidder_count, outcome, version FROM lots",
    "bids": "SELECT id, lot_id, bidder_id, price_after, status FROM bids",
    "sales": "SELECT id, lot_id, hammer, buyer_premium, seller_fee, buyer_total, dealer_earnings, "
             "platform_revenue, premium_schedule_id, seller_fee_schedule_id FROM sales",
    "cars": "SELECT id, status, listing_price FROM cars",
    "user_roles": "SELECT user_id, role FROM user_roles",
    "users": "SELECT id, email, status FROM users",
    "audit_log": "SELECT id, action, entity_id FROM audit_log",
    "auctions": "SELECT id, ends_at FROM auctions",
    # The copy keeps a bid's and a lot's dealer beside it; on the store it is a join.
    "bids_with_dealer": ("SELECT b.id, a.dealer_id FROM bids b JOIN auctions a ON a.id = b.auction_id",
                         "SELECT id, dealer_id FROM bids_with_dealer"),
    "lots_with_dealer": ("SELECT l.id, a.dealer_id FROM lots l JOIN auctions a ON a.id = l.auction_id",
                         "SELECT id, dealer_id FROM lots_with_dealer"),
}


def _assert_copy_matches_store() -> None:
    with get_engine().connect() as conn:
        for name, sql in STORE_CHECKS.items():
            store_sql, copy_sql = sql if isinstance(sql, tuple) else (sql, sql)
            expected = sorted(tuple(r) for r in conn.execute(text(store_sql)))
            with connect() as cursor:
                got = sorted(cursor.execute(copy_sql).fetchall())
            if name == "auctions":  # SQLite returns times as text: compare the instants
                got = [(i, t.replace(tzinfo=None).isoformat(sep=" ")) for i, t in got]
                expected = [(i, t if isinstance(t, str) else t.replace(tzinfo=None).isoformat(sep=" "))
                            for i, t in expected]
            assert got == expected, name
            assert len(got) > 0, name


def test_a_copy_of_another_shape_is_rebuilt(store: str, copy_dir: Path) -> None:
    """A migration that changes a copied table's columns (0011 added the sales' fee versions) must not
    leave old parts and new ones side by side: the copy is rebuilt once."""
    assert refresh.refresh_once().rebuilt
    assert not refresh.refresh_once().rebuilt
    manifest = manifest_read()
    assert manifest is not None
    manifest.store = manifest.store.split("#")[0]  # as a copy made before the columns changed
    manifest_write(manifest)
    assert refresh.refresh_once().rebuilt
