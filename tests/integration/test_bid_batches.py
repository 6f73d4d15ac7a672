"""A batch of bids on one lot (domain/bidding/service.py `_LockedBatch`): the lot is read and locked once,
its bidders are read once, and each bid still finds the lot as the bids before it in the batch left it."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from data.db import get_engine
from data.models import AuditLog, Bid, Notification
from data.uow import UnitOfWork
from domain.bidding import hooks, service
from domain.bidding.rules import BidTooLow, Outcome
from domain.errors import Forbidden
from domain.oversight import admin
from domain.permissions import Actor
from domain.types import UserStatus
from tests.support.factories import live_lot, lot_now, make_admin, make_user
from tests.support.limits import tight_limits


def queued_behind_a_held_batch(lot_id: int, bids: list[tuple[Actor, int, str]],
                               statements: list[str]) -> list[Future[Any]]:
    """The first bid's batch is held inside its transaction while the others queue, in order, behind it:
    they are then placed together, as one batch. Every statement the batches send is recorded."""
    held, batches = threading.Event(), []

    def hold_the_first_batch(_lot_id: int) -> None:
        batches.append(_lot_id)
        if len(batches) == 1:
            held.wait(30)

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if batches:
            statements.append(statement)

    def place(actor: Actor, amount: int, key: str) -> Callable[[], service.BidReceipt | BaseException]:
        def attempt() -> service.BidReceipt | BaseException:
            try:
                return service.bid_place(actor, lot_id=lot_id, maximum=Decimal(amount), key=key)
            except (BidTooLow, Forbidden) as refused:
                return refused
        return attempt

    hooks.set_inside_bid(hold_the_first_batch)
    event.listen(get_engine(), "after_cursor_execute", record)
    try:
        with ThreadPoolExecutor(len(bids)) as pool:
            placed = [pool.submit(place(*bids[0]))]
            while not batches:
                time.sleep(0.01)
            statements.clear()
            for actor, amount, key in bids[1:]:
                placed.append(pool.submit(place(actor, amount, key)))
                time.sleep(0.2)  # queued in this order
            held.set()
            for future in placed:
                future.result(30)
    finally:
        hooks.set_inside_bid(None)
        event.remove(get_engine(), "after_cursor_execute", record)
    assert len(batches) == 2, "the queued bids were not placed as one batch"
    return placed


def test_a_batch_reads_its_lot_once_and_each_bid_sees_the_bids_before_it(
        store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, redis=True, bids_per_user_per_minute=100)
    lot = live_lot()  # starts at 300,000, reserve 400,000
    assert lot.id is not None
    opener, asha, ben, barred, late = (make_user() for _ in range(5))
    admin.user_set_status(make_admin(), barred.id, status=UserStatus.SUSPENDED, reason="Shill bidding")
    twice = uuid.uuid4().hex
    statements: list[str] = []
    placed = queued_behind_a_held_batch(lot.id, [
        (opener, 300_000, uuid.uuid4().hex),
        (asha, 350_000, twice),
        (ben, 340_000, uuid.uuid4().hex),  # below asha's maximum: outbid at once, asha still leads
        (barred, 500_000, uuid.uuid4().hex),
        (asha, 350_000, twice),  # asha's double click, in the same batch as its twin
        (late, 300_000, uuid.uuid4().hex),  # too low by now: the batch has raised the price
    ], statements)
    _, first, outbid, refused, again, too_low = (future.result() for future in placed)

    # A step (2,000) over opener's maximum: asha's bid found the lot as opener's left it.
    assert first.leading and first.price == Decimal(302_000)
    assert outbid.outcome == Outcome.OUTBID and not outbid.leading and outbid.price == Decimal(342_000)
    assert isinstance(refused, Forbidden)
    assert again.repeated and again.bid_id == first.bid_id and again.price == first.price
    assert isinstance(too_low, BidTooLow) and too_low.minimum == Decimal(344_000)
    now = lot_now(lot.id)
    assert (now.current_price, now.leader_id, now.bid_count, now.bidder_count) == (
        Decimal(342_000), asha.id, 3, 3)
    with UnitOfWork(write=False) as uow:
        placed = uow.session.exec(select(Bid).where(Bid.lot_id == lot.id).order_by(col(Bid.id))).all()
        told = uow.session.exec(select(Notification.user_id).where(Notification.lot_id == lot.id)).all()
        audited = uow.session.exec(select(AuditLog.actor_id).where(AuditLog.action == "bid_place",
                                                                    AuditLog.entity_id == lot.id)).all()
    assert [(bid.bidder_id, bid.price_after) for bid in placed] == [
        (opener.id, Decimal(300_000)), (asha.id, Decimal(302_000)), (ben.id, Decimal(342_000))]
    assert told == [opener.id] and sorted(audited) == sorted([opener.id, asha.id, ben.id])

    lot_reads = [sql for sql in statements if " AS ladder" in sql]  # the lock query (data/bid_store.py)
    bidder_reads = [sql for sql in statements if "idempotency_key IN" in sql]
    bid_writes = [sql for sql in statements if "INSERT INTO bids" in sql]
    assert len(lot_reads) == 1 and len(bidder_reads) == 1
    assert len(bid_writes) == (1 if store == "postgresql" else 2)  # PostgreSQL: the batch in one statement
    # ... which sends the boards' event itself: no statement of its own before the commit.
    assert [sql for sql in statements if "pg_notify" in sql] == (bid_writes if store == "postgresql" else [])
