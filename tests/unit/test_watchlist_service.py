"""The watchlist's services against an in-memory unit of work (the storage seam, docs/STORE.md): the
rules of watching run without a database. The same services on the real store, both dialects:
tests/integration/test_bidding.py and test_notices.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from data.watch_store import WatchedLot
from domain.auctions import watchlist
from domain.errors import NotFound
from domain.permissions import Actor
from domain.types import Role

ENDS = datetime(2026, 3, 1, 12, tzinfo=UTC)


@dataclass
class FakeWatchStore:
    lots: dict[int, WatchedLot]  # the lots of published auctions (a draft's are not here)
    items: set[tuple[int, int]] = field(default_factory=set)  # (user, lot)

    def lot_is_public(self, lot_id: int) -> bool:
        return lot_id in self.lots

    def add(self, user_id: int, lot_id: int, at: datetime) -> None:
        self.items.add((user_id, lot_id))

    def remove(self, user_id: int, lot_id: int) -> None:
        self.items.discard((user_id, lot_id))

    def has(self, user_id: int, lot_id: int) -> bool:
        return (user_id, lot_id) in self.items

    def watched(self, user_id: int) -> list[WatchedLot]:
        return sorted((self.lots[lot] for user, lot in self.items if user == user_id),
                      key=lambda lot: lot.ends_at)


class FakeUnitOfWork:
    """Changes stay only when committed, as in the real one: a refused call leaves the store as it was."""

    def __init__(self, store: FakeWatchStore) -> None:
        self.committed_store, self.committed = store, False

    def __enter__(self) -> FakeUnitOfWork:
        self.watches = FakeWatchStore(self.committed_store.lots, set(self.committed_store.items))
        return self

    def __exit__(self, *exc: object) -> None:
        pass  # uncommitted changes vanish with `self.watches`

    def commit(self) -> None:
        self.committed_store.items = set(self.watches.items)
        self.committed = True


def lot(lot_id: int, hours: int) -> WatchedLot:
    return WatchedLot(lot_id, f"Car {lot_id}", Decimal("100000"), ENDS.replace(hour=hours), None)


@pytest.fixture
def store() -> FakeWatchStore:
    return FakeWatchStore({1: lot(1, 15), 2: lot(2, 13)})  # lot 3 is a draft's


def bidder(user_id: int = 7) -> Actor:
    return Actor(id=user_id, name="Asha", email="asha@example.com", roles=frozenset({Role.BIDDER}))


def test_a_watched_lot_is_listed_soonest_to_close_first_and_watching_twice_is_once(
        store: FakeWatchStore) -> None:
    for lot_id in (1, 2, 1):
        watchlist.watch(bidder(), lot_id, uow=FakeUnitOfWork(store))
    assert [w.lot_id for w in watchlist.watchlist_of(bidder(), uow=FakeUnitOfWork(store))] == [2, 1]
    assert watchlist.is_watching(bidder(), 1, uow=FakeUnitOfWork(store))
    assert not watchlist.is_watching(bidder(8), 1, uow=FakeUnitOfWork(store))  # one user's list only


def test_unwatching_takes_the_lot_off_the_list(store: FakeWatchStore) -> None:
    watchlist.watch(bidder(), 1, uow=FakeUnitOfWork(store))
    unit = FakeUnitOfWork(store)
    watchlist.unwatch(bidder(), 1, uow=unit)
    assert unit.committed and watchlist.watchlist_of(bidder(), uow=FakeUnitOfWork(store)) == []


@pytest.mark.parametrize("lot_id", [3, 99], ids=["a draft's lot", "no such lot"])
def test_a_lot_nobody_may_see_cannot_be_watched_and_nothing_is_written(store: FakeWatchStore,
                                                                       lot_id: int) -> None:
    unit = FakeUnitOfWork(store)
    with pytest.raises(NotFound, match="No such lot"):
        watchlist.watch(bidder(), lot_id, uow=unit)
    assert not unit.committed and store.items == set()
