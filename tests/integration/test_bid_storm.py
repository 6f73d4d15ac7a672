"""Storms: 32 bidder processes on one lot, and 8 settler processes on the same ended lots, on both stores.

Every child is a real process with its own engine and connections (tests/support/children.py). A barrier
releases them together. Each bidder bids the minimum it last saw, so bids genuinely collide: the loser
of a collision is refused because the minimum moved under it. The store must then hold exactly the
accepted bids, and the lot must be exactly what replaying them in commit order gives.
"""

from __future__ import annotations

import os
import queue
import random
import threading
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from multiprocessing.context import BaseContext
from multiprocessing.synchronize import Barrier
from typing import Any

import pytest
from sqlmodel import col, func, select

from data.db import get_engine, use_database
from data.models import AuctionParticipant, AuditLog, Bid, ChangeLog, Lot, LotBidder, Notification, Sale
from data.types import utcnow
from data.uow import UnitOfWork
from domain.bidding import hooks
from domain.bidding.rules import BidTooLow, Ladder, LotState, replay
from domain.bidding.service import BidReceipt, bid_place
from domain.bidding.settlement import settle_due, settle_lot
from domain.permissions import Actor
from domain.types import LotOutcome
from tests.support.children import forkserver, start_all
from tests.support.factories import live_lot, lot_now, make_auction, make_dealer, make_user, move_auction
from tests.support.limits import tight_limits

BIDDERS = 32
THREADS = 12  # bidders in one process, batched
# SQLite serialises whole write transactions and its waiting writers poll with back-off, so 32 writers
# queue far longer there: fewer attempts each keep the file well under its time budget.
ATTEMPTS = {"sqlite": 5, "postgresql": 12}
SETTLERS = 8
THREADS_PER_SETTLER = 3
CHILD_TIMEOUT_S = 120


@dataclass(frozen=True)
class Attempt:
    """One bid a child tried: what it offered and what the store answered."""

    key: str
    amount: Decimal
    bid_id: int | None  # None: refused
    minimum: Decimal | None = None  # the minimum the refusal named

    @property
    def lost_a_race(self) -> bool:
        """Refused because the minimum moved after this bidder looked: another bid landed first."""
        return self.bid_id is None and self.minimum is not None and self.minimum > self.amount


# --- children (run in their own processes) -------------------------------------------------


@dataclass(frozen=True)
class BidderJob:
    url: str
    actor: Actor  # a frozen dataclass: it pickles, so children sign nothing in
    lot_id: int
    first_minimum: Decimal
    attempts: int


def bidder_child(job: BidderJob, barrier: Barrier, out: Any) -> None:
    try:
        use_database(job.url)  # a child starts with the forkserver's environment
        get_engine().connect().close()  # connect before the barrier, so the storm is all bidding
        barrier.wait(CHILD_TIMEOUT_S)
        out.put((job.actor.id, bid_repeatedly(job.actor, job.lot_id, job.first_minimum, job.attempts), None))
    except BaseException:  # the parent reports it; a silent child would only look like a timeout
        out.put((job.actor.id, [], traceback.format_exc()))


def bid_repeatedly(actor: Actor, lot_id: int, minimum: Decimal, attempts: int) -> list[Attempt]:
    """Bid the minimum last seen. Odd user ids bid it as a proxy maximum a few steps higher, so the
    replay also checks outbid-by-proxy prices, not only one new leader per bid."""
    ladder, rng = Ladder(), random.Random(actor.id)  # the store's ladder is the default one here
    made: list[Attempt] = []
    for _ in range(attempts):
        key, amount = uuid.uuid4().hex, minimum
        for _ in range(rng.randint(1, 3) if actor.id % 2 else 0):
            amount = ladder.above(amount)
        try:
            receipt = bid_place(actor, lot_id=lot_id, maximum=amount, key=key)
        except BidTooLow as refused:
            made.append(Attempt(key, amount, None, refused.minimum))
            # Outbid just now: bid what the refusal says. Already leading: raise past our own maximum.
            minimum = refused.minimum if refused.minimum > amount else ladder.above(refused.minimum)
            continue
        made.append(Attempt(key, amount, receipt.bid_id))
        minimum = receipt.minimum_next
    return made


@dataclass(frozen=True)
class SettlerJob:
    url: str
    lot_ids: list[int]
    now: datetime


def settler_child(job: SettlerJob, barrier: Barrier, out: Any) -> None:
    try:
        use_database(job.url)  # a child starts with the forkserver's environment
        get_engine().connect().close()
        barrier.wait(CHILD_TIMEOUT_S)
        out.put((os.getpid(), settle_in_threads(job.lot_ids, job.now), None))
    except BaseException:
        out.put((os.getpid(), 0, traceback.format_exc()))


def settle_in_threads(lot_ids: list[int], now: datetime) -> int:
    """Several threads of this process settle every lot, each in its own order, at the same moment."""
    start = threading.Barrier(THREADS_PER_SETTLER)
    settled: list[int] = []
    errors: list[BaseException] = []

    def run(seed: int) -> None:
        try:
            start.wait(CHILD_TIMEOUT_S)
            settled.append(settle_everything(lot_ids, now, random.Random(seed)))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(os.getpid() * 10 + n,)) for n in range(THREADS_PER_SETTLER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(settled)


def settle_everything(lot_ids: list[int], now: datetime, rng: random.Random) -> int:
    """The worker's sweep and pages settling single lots, interleaved: how many this caller settled."""
    calls: list[Callable[[], int | bool]] = [partial(settle_due, now=now)]
    calls += [partial(settle_lot, lot_id, now=now) for lot_id in lot_ids]
    rng.shuffle(calls)
    return sum(int(call()) for call in calls)


# --- the parent ------------------------------------------------------------------------------


def storm_context() -> BaseContext:
    return forkserver(preload=[__name__])  # children fork with the app already imported


def run_children(context: BaseContext, target: Callable[..., None], jobs: list[Any], barrier: Barrier,
                 out: Any) -> list[tuple[Any, Any]]:
    """Start every child, collect one answer each, and fail loudly on an error or a hang."""
    children = [context.Process(target=target, args=(job, barrier, out)) for job in jobs]  # type: ignore[attr-defined]
    start_all(children)
    answers: list[tuple[Any, Any]] = []
    errors: list[str] = []
    try:
        for _ in children:
            who, answer, error = out.get(timeout=CHILD_TIMEOUT_S)
            if error:
                errors.append(error)
            answers.append((who, answer))
    except queue.Empty:
        barrier.abort()
        codes = [child.exitcode for child in children]
        raise AssertionError(f"a child never answered; exit codes {codes}") from None
    finally:
        for child in children:
            child.join(10)
            if child.is_alive():
                child.kill()
    assert not errors, "\n".join(errors)
    return answers


def count(model: type, *where: Any) -> int:
    with UnitOfWork(write=False) as uow:
        return int(uow.session.exec(select(func.count()).select_from(model).where(*where)).one())


def test_32_bidder_processes_on_one_lot_lose_and_duplicate_nothing(store: str) -> None:
    lot = live_lot()
    assert lot.id is not None
    bidders = {actor.id: actor for actor in (make_user() for _ in range(BIDDERS))}
    context = storm_context()
    barrier, out = context.Barrier(BIDDERS), context.Queue()  # type: ignore[attr-defined]
    url = os.environ["DATABASE_URL"]
    jobs = [BidderJob(url, actor, lot.id, lot.starting_price, ATTEMPTS[store]) for actor in bidders.values()]
    answers = run_children(context, bidder_child, jobs, barrier, out)

    attempts = [(bidder, attempt) for bidder, made in answers for attempt in made]
    assert len(attempts) == BIDDERS * ATTEMPTS[store]
    assert_store_holds_exactly(lot, attempts)


def test_bidder_threads_of_one_process_are_batched_and_still_exact(
        store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bids that reach one process together share a transaction (domain/bidding/combiner.py): each is
    still decided on its own, a refusal inside a batch spoils nothing, and a double click that lands in
    the same batch as its twin is answered with the same bid.

    The bid limit's window is kept in Redis here: kept in an SQLite store, each bid's count is a write
    transaction of its own ahead of the combiner, which lines the threads up one by one (a known cost
    of the embedded store's limits, in the closing note of session 5)."""
    tight_limits(monkeypatch, redis=True, bids_per_user_per_minute=10_000)
    lot = live_lot()
    assert lot.id is not None
    lot_id, bidders = lot.id, [make_user() for _ in range(THREADS)]
    transactions: list[int] = []
    hooks.set_inside_bid(transactions.append)
    start = threading.Barrier(THREADS)
    made: dict[int, list[Attempt]] = {}
    errors: list[BaseException] = []

    def bidder(actor: Actor) -> None:
        try:
            start.wait(CHILD_TIMEOUT_S)
            made[actor.id] = bid_repeatedly(actor, lot_id, lot.starting_price, ATTEMPTS[store])
            made[actor.id].append(double_click(actor, lot_id, Decimal(5_000_000 + actor.id * 1_000)))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=bidder, args=(actor,)) for actor in bidders]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(CHILD_TIMEOUT_S)
    finally:
        hooks.set_inside_bid(None)
    assert not errors, errors
    attempts = [(bidder, attempt) for bidder, tries in made.items() for attempt in tries]
    assert len(transactions) < len(attempts), "no two bids ever shared a transaction: nothing was batched"
    assert_store_holds_exactly(lot, attempts)


def double_click(actor: Actor, lot_id: int, amount: Decimal) -> Attempt:
    """The same submission sent twice at once: at most one bid, the same answer to both."""
    key = uuid.uuid4().hex

    def submit(_: int) -> BidReceipt | BidTooLow:
        try:
            return bid_place(actor, lot_id=lot_id, maximum=amount, key=key)
        except BidTooLow as refused:
            return refused

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(submit, range(2))
    if isinstance(first, BidTooLow) or isinstance(second, BidTooLow):
        assert isinstance(first, BidTooLow) and isinstance(second, BidTooLow)
        return Attempt(key, amount, None, first.minimum)
    assert first.bid_id == second.bid_id and {first.repeated, second.repeated} == {False, True}
    return Attempt(key, amount, first.bid_id)


def assert_store_holds_exactly(lot: Lot, attempts: list[tuple[int, Attempt]]) -> None:
    """The store holds exactly the accepted bids, and the lot is what replaying them gives."""
    accepted = {a.bid_id: (bidder, a) for bidder, a in attempts if a.bid_id is not None}
    assert any(a.lost_a_race for _, a in attempts), "no bid was ever refused by a collision: no race ran"
    assert len(accepted) == sum(a.bid_id is not None for _, a in attempts), "a bid id was handed out twice"

    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(Bid).where(Bid.lot_id == lot.id).order_by(col(Bid.id))).all()
        audits = uow.session.exec(select(AuditLog).where(AuditLog.action == "bid_place",
                                                         AuditLog.entity_id == lot.id)).all()
    assert [row.id for row in rows] == sorted(accepted), "the store's bids are not exactly the accepted ones"
    assert all((row.bidder_id, row.max_amount, row.idempotency_key) ==
               (accepted[row.id][0], accepted[row.id][1].amount, accepted[row.id][1].key) for row in rows)

    # Commit order is id order (ids are drawn under the lot's lock): replaying it must give every step.
    start = LotState(lot.starting_price, lot.reserve_price)
    decisions = replay(start, [(row.bidder_id, row.max_amount) for row in rows], Ladder())
    assert len(decisions) == len(rows), "an accepted bid is one the rules refuse in commit order"
    assert [(row.price_after, row.leader_after) for row in rows] == [
        (d.state.price, d.state.leader) for d in decisions]
    final, after = decisions[-1].state, lot_now(lot.id)
    assert (after.current_price, after.leader_id, after.leader_max) == (
        final.price, final.leader, final.leader_max)

    distinct = {row.bidder_id for row in rows}
    assert after.bid_count == len(rows)
    assert after.bidder_count == len(distinct)
    assert count(AuctionParticipant, AuctionParticipant.auction_id == lot.auction_id) == len(distinct)
    assert count(LotBidder, LotBidder.lot_id == lot.id) == len(distinct)
    assert Counter(entry.after["key"] for entry in audits if entry.after) == Counter(
        row.idempotency_key for row in rows), "not exactly one audit entry per accepted bid"
    assert count(ChangeLog, ChangeLog.entity == "bids", ChangeLog.op == "insert") == len(rows)


# Lot number -> the bids placed on it (bidder index, maximum) and the outcome settling must give.
SETTLE_PLAN: dict[int, tuple[list[tuple[int, str]], LotOutcome]] = {
    1: ([(0, "450000")], LotOutcome.SOLD),
    2: ([(0, "420000"), (1, "500000")], LotOutcome.SOLD),
    3: ([(2, "350000")], LotOutcome.RESERVE_NOT_MET),
    4: ([], LotOutcome.UNSOLD),
    5: ([(1, "410000"), (2, "405000")], LotOutcome.SOLD),
    6: ([(2, "550000")], LotOutcome.SOLD),
}


def ended_lots(dealer: Actor, bidders: list[Actor]) -> tuple[dict[int, Lot], datetime]:
    """Six lots with the bids of SETTLE_PLAN, and a moment after all of them have ended."""
    auction = make_auction(dealer, len(SETTLE_PLAN))
    move_auction(auction.id or 0, starts=-timedelta(minutes=1), first_close=timedelta(minutes=5))
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(Lot).where(Lot.auction_id == auction.id)).all()
    lots = {lot.lot_number: lot for lot in rows}
    for number, (bids, _) in SETTLE_PLAN.items():
        for bidder, amount in bids:
            bid_place(bidders[bidder], lot_id=lots[number].id or 0, maximum=amount, key=uuid.uuid4().hex)
    return lots, utcnow() + timedelta(minutes=30)


def test_a_storm_of_settlers_settles_each_lot_once(store: str) -> None:
    lots, later = ended_lots(make_dealer(), [make_user() for _ in range(3)])
    lot_ids = [lot.id or 0 for lot in lots.values()]
    context = storm_context()
    barrier, out = context.Barrier(SETTLERS), context.Queue()  # type: ignore[attr-defined]
    url = os.environ["DATABASE_URL"]
    answers = run_children(context, settler_child, [SettlerJob(url, lot_ids, later)] * SETTLERS, barrier, out)

    assert sum(settled for _, settled in answers) == len(lots), "a lot was settled twice, or never"
    sold = {lots[number].id for number, (_, outcome) in SETTLE_PLAN.items() if outcome == LotOutcome.SOLD}
    with UnitOfWork(write=False) as uow:
        sales = uow.session.exec(select(Sale)).all()
        settles = Counter(uow.session.exec(select(AuditLog.entity_id).where(AuditLog.action == "lot_settle")))
    assert sorted(sale.lot_id for sale in sales) == sorted(sold), "not exactly one sale per sold lot"
    assert settles == Counter(lot_ids), "not exactly one settlement audit entry per lot"
    for number, (_, outcome) in SETTLE_PLAN.items():
        assert lot_now(lots[number].id or 0).outcome == outcome
    assert count(Notification, Notification.kind == "won") == len(sold)
    for sale in sales:
        assert sale.buyer_id == lot_now(sale.lot_id).leader_id
