"""The in-memory copy (analytics.memory): loaded once per process, then kept current by row versions.

A process that loaded the copy earlier must see every later change, whichever part holds it by then:
a delta, a merged delta, or a base the deltas were folded into (tombstones included); a rebuild is
loaded afresh; a bid's hidden dealer column follows its auction."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from analytics import memory, reader
from analytics.copy import compact, refresh
from analytics.reader import connect, memory_copy, preload
from data.models import Car
from data.uow import UnitOfWork
from domain.bidding import service
from tests.support.factories import live_lot, make_car, make_dealer, make_user


@pytest.fixture
def copy_dir(store: str, data_dir: Path) -> Path:
    return data_dir / "analytics"


def _one(sql: str) -> object:
    with connect() as cursor:
        row = cursor.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_a_loaded_copy_sees_changes_folded_into_the_base(copy_dir: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    dealer = make_dealer()
    doomed, lot = make_car(dealer), live_lot(dealer)
    refresh.refresh_once()
    loaded = memory_copy()
    assert _one(f"SELECT count(*) FROM cars WHERE id = {doomed.id}") == 1
    with UnitOfWork() as uow:  # a hard delete: a tombstone
        uow.session.delete(uow.session.get(Car, doomed.id))
        uow.commit()
    service.bid_place(make_user(), lot_id=lot.id or 0, maximum="350000", key=uuid.uuid4().hex)
    monkeypatch.setattr(compact, "FOLD_RATIO", 0.0)  # fold at once: the reader never saw the delta
    refresh.refresh_once()
    assert memory_copy() is loaded  # the same generation: applied, not reloaded
    assert _one(f"SELECT count(*) FROM cars WHERE id = {doomed.id}") == 0
    assert _one(f"SELECT bid_count FROM lots WHERE id = {lot.id}") == 1
    assert _one(f"SELECT dealer_id FROM bids_with_dealer WHERE lot_id = {lot.id}") == dealer.dealer_id
    assert _one(f"SELECT dealer_id FROM lots_with_dealer WHERE id = {lot.id}") == dealer.dealer_id


def test_a_rebuild_is_loaded_afresh_and_a_long_tail_is_sorted(copy_dir: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    dealer = make_dealer()
    lots = [live_lot(dealer).id or 0 for _ in range(2)]
    refresh.refresh_once()
    first = memory_copy()
    monkeypatch.setattr(memory, "RESORT_ROWS", 0)  # every applied refresh re-sorts what it appended
    for n, lot_id in enumerate(lots):
        service.bid_place(make_user(), lot_id=lot_id, maximum=str(350_000 + n), key=uuid.uuid4().hex)
        refresh.refresh_once()
        assert _one("SELECT count(*) FROM bids") == n + 1
    assert memory_copy().appended.get("bids") == 0
    refresh.rebuild()
    assert memory_copy() is not first
    assert _one("SELECT count(*) FROM bids_with_dealer") == 2


def test_preload_loads_the_copy_once_it_exists(copy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[memory.MemoryCopy] = []

    class Counted(memory.MemoryCopy):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            loads.append(self)

    monkeypatch.setattr(reader, "MemoryCopy", Counted)
    assert preload() is False and not loads  # no copy yet: nothing to load, nothing raised
    make_car(make_dealer())
    refresh.refresh_once()
    assert preload() is True and len(loads) == 1
    assert memory_copy() is loads[0]  # the first dashboard finds it in memory: no second load
