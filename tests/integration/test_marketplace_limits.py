"""Bids per user and registrations per address, limited in the domain for every channel, counted in the
store or in Redis: refused past the limit with nothing written, shared by processes, reset by time."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, func, select

from data import rate_windows
from data.models import Bid, RateWindow, User
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts import users as accounts
from domain.bidding.service import bid_place, lot_buy_now
from domain.errors import RateLimited
from domain.oversight import limits
from domain.permissions import Actor
from tests.support.children import forkserver, start_all
from tests.support.factories import PASSWORD, live_lot, lot_now, make_user
from tests.support.limits import tight_limits

BACKENDS = ["store", "redis"]
HITS_PER_CHILD, CHILDREN, LIMIT = 6, 4, 9


def bid(bidder: Actor, lot_id: int, amount: int, **kw: object) -> None:
    bid_place(bidder, lot_id=lot_id, maximum=str(amount), key=uuid.uuid4().hex, **kw)  # type: ignore[arg-type]


def bids_of(bidder: Actor) -> int:
    with UnitOfWork(write=False) as uow:
        return uow.session.exec(select(func.count()).select_from(Bid).where(Bid.bidder_id == bidder.id)).one()


def windows_in_store() -> int:
    with UnitOfWork(write=False) as uow:
        return uow.session.exec(select(func.count()).select_from(RateWindow)).one()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_bid_past_the_limit_is_refused_and_writes_nothing(
        store: str, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, bids_per_user_per_minute=2, redis=backend == "redis")
    lot, bidder = live_lot(), make_user()
    bid(bidder, lot.id or 0, 310_000)
    bid(bidder, lot.id or 0, 320_000)
    before = lot_now(lot.id)
    with pytest.raises(RateLimited, match=r"try again in \d+ seconds") as refused:
        bid(bidder, lot.id or 0, 330_000)
    with pytest.raises(RateLimited):
        lot_buy_now(bidder, lot_id=lot.id or 0, key=uuid.uuid4().hex)
    assert 1 <= refused.value.retry_after <= 60
    after = lot_now(lot.id)
    assert bids_of(bidder) == 2 and (after.bid_count, after.version) == (before.bid_count, before.version)
    bid(make_user(), lot.id or 0, 330_000)  # the limit is per user: others still bid
    assert windows_in_store() == (2 if backend == "store" else 0)  # Redis keeps the count out of the store


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_count_resets_once_the_window_has_passed(
        store: str, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, bids_per_user_per_minute=2, redis=backend == "redis")
    lot, bidder, start = live_lot(), make_user(), utcnow()
    bid(bidder, lot.id or 0, 310_000, now=start)
    bid(bidder, lot.id or 0, 320_000, now=start + timedelta(seconds=20))
    with pytest.raises(RateLimited) as refused:
        bid(bidder, lot.id or 0, 330_000, now=start + timedelta(seconds=50))
    assert refused.value.retry_after == 10  # the first bid leaves the window a minute after it was made
    bid(bidder, lot.id or 0, 330_000, now=start + timedelta(seconds=60))
    assert bids_of(bidder) == 3


def _hits_in_child(url: str, env: dict[str, str], user_id: int, start: Any, results: Any) -> None:
    """A separate process with its own engine: how many of its hits were let through."""
    os.environ.update(env)
    from data.db import use_database
    use_database(url)
    start.wait(30)
    actor = Actor(id=user_id, email="x@example.com", name="x", roles=frozenset())
    let_through = 0
    for _ in range(HITS_PER_CHILD):
        try:
            limits.check_bid(actor)
            let_through += 1
        except RateLimited:
            pass
    results.put(let_through)


@pytest.mark.parametrize("backend", BACKENDS)
def test_processes_share_one_exact_count(store: str, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four processes, six hits each, released together against a limit of nine: exactly nine pass."""
    context = forkserver()  # before the tight limit is set: later tests' children must not inherit it
    tight_limits(monkeypatch, bids_per_user_per_minute=LIMIT, redis=backend == "redis")
    bidder = make_user()
    env = {name: os.environ.get(name, "")
           for name in ("BIDS_PER_USER_PER_MINUTE", "REDIS_URL", "REDIS_PREFIX")}
    start, results = context.Event(), context.Queue()
    children = [context.Process(target=_hits_in_child,
                                args=(get_settings().url, env, bidder.id, start, results))
                for _ in range(CHILDREN)]
    start_all(children)
    start.set()
    passed = [results.get(timeout=120) for _ in children]
    for child in children:
        child.join(30)
    assert sum(passed) == LIMIT
    with pytest.raises(RateLimited):  # and this process sees the same full window
        limits.check_bid(bidder)


@pytest.mark.parametrize("backend", BACKENDS)
def test_registrations_are_limited_per_address(store: str, backend: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, registrations_per_address_per_hour=2, redis=backend == "redis")
    for n in range(2):
        accounts.user_register(email=f"new{n}@example.com", name="New Person", password=PASSWORD,
                               address="198.51.100.7")
    with pytest.raises(RateLimited, match="No account was created"):
        accounts.user_register(email="third@example.com", name="New Person", password=PASSWORD,
                               address="198.51.100.7")
    with UnitOfWork(write=False) as uow:
        assert uow.session.exec(select(User.id).where(col(User.email) == "third@example.com")).first() is None
    accounts.user_register(email="elsewhere@example.com", name="New Person", password=PASSWORD,
                           address="203.0.113.1")


def test_an_invalid_registration_is_not_counted(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, registrations_per_address_per_hour=1)
    with pytest.raises(Exception, match="password"):
        accounts.user_register(email="weak@example.com", name="Weak Person", password="short",
                               address="198.51.100.8")
    accounts.user_register(email="strong@example.com", name="Strong Person", password=PASSWORD,
                           address="198.51.100.8")


def test_an_unreachable_redis_falls_back_to_the_store(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, bids_per_user_per_minute=1)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    bidder = make_user()
    limits.check_bid(bidder)
    with pytest.raises(RateLimited):
        limits.check_bid(bidder)
    assert windows_in_store() == 1


class _RoundTrips:
    """Counts the commands this process sends to Redis's rate-window client, and sizes their arguments."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        client = rate_windows._redis(get_settings().redis_url)
        assert client is not None
        self.count, send = 0, client.execute_command
        self.sizes: list[int] = []

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            self.sizes.append(sum(len(str(arg)) for arg in args))
            return send(*args, **kwargs)

        monkeypatch.setattr(client, "execute_command", counted)


def test_a_bid_costs_one_redis_round_trip_however_full_its_window(
        store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window is decided inside Redis: a bid sends its own moment, never the hits before it."""
    tight_limits(monkeypatch, bids_per_user_per_minute=1_000, redis=True)
    bidder = make_user()
    limits.check_bid(bidder)  # loads the script, once
    trips, sent = _RoundTrips(monkeypatch), 300
    for _ in range(sent):
        limits.check_bid(bidder)
    assert trips.count == sent
    assert max(trips.sizes) < 300  # characters: a few numbers and names, where 300 hits would be 5,000


def test_hits_counted_by_another_process_count_here(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process's hits, written to the window between this one's, refuse the next; once the window
    expires in Redis, counting starts again."""
    tight_limits(monkeypatch, bids_per_user_per_minute=2, redis=True)
    bidder = make_user()
    client = rate_windows._redis(get_settings().redis_url)
    assert client is not None
    name = f"{get_settings().redis_prefix}:window:bids:{bidder.id}"
    limits.check_bid(bidder)
    moment = utcnow().timestamp()
    client.zadd(name, {f"{moment!r}:elsewhere": moment})  # as another process's hit is written
    with pytest.raises(RateLimited) as refused:
        limits.check_bid(bidder)
    assert 55 <= refused.value.retry_after <= 60
    assert client.zcard(name) == 2  # the refused hit was not counted
    client.delete(name)
    limits.check_bid(bidder)
    assert client.zcard(name) == 1
