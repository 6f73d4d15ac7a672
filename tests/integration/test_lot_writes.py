"""One write path per lot state (data/lot_store.py): every kind of change to a lot bumps its version
once, appends one change-log row and publishes one board event, on both stores; and the board selector
only reads (settling is a separate call, made by name)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, func, select

from data.db import get_engine
from data.events import Event, LotEvent, add_sink, remove_sink
from data.models import Bid, ChangeLog
from data.uow import UnitOfWork
from domain.auctions.service import auction_cancel
from domain.bidding.board import lot_board_snapshot
from domain.bidding.retraction import RetractReason, bid_retract, bid_void
from domain.bidding.service import bid_place, lot_buy_now
from domain.bidding.settlement import expire_decisions, lot_decide, settle_lot, settled_first
from domain.inventory.cars import car_update
from domain.oversight.takedown import lot_takedown
from domain.permissions import Actor
from tests.support.factories import live_lot, lot_now, make_admin, make_dealer, make_user


@pytest.fixture
def heard() -> Iterator[list[Event]]:
    events: list[Event] = []
    add_sink(events.extend)
    yield events
    remove_sink(events.extend)


def bid(actor: Actor, lot_id: int, amount: str) -> int:
    return bid_place(actor, lot_id=lot_id, maximum=amount, key=uuid.uuid4().hex).bid_id


class Scene:
    """A live lot with one bid of 3,50,000 below its 4,00,000 reserve, and who is who."""

    def __init__(self) -> None:
        self.dealer = make_dealer()
        self.lot = live_lot(self.dealer)
        self.lot_id = self.lot.id or 0
        self.bidder = make_user()
        self.bid_id = bid(self.bidder, self.lot_id, "350000")

    def closed_below_reserve(self) -> Scene:
        settle_lot(self.lot_id, now=self.lot.ends_at)
        return self


# Each kind of change: (set-up, the change itself). The set-up's own writes are not counted.
CHANGES: dict[str, tuple[Callable[[], Scene], Callable[[Scene], Any]]] = {
    "bid": (Scene, lambda s: bid(make_user(), s.lot_id, "380000")),
    "buy_now": (Scene, lambda s: lot_buy_now(make_user(), lot_id=s.lot_id, key=uuid.uuid4().hex)),
    "retraction": (Scene, lambda s: bid_retract(s.bidder, s.bid_id, reason=RetractReason.MISTYPED)),
    "void": (Scene, lambda s: bid_void(make_admin(), s.bid_id, reason="Shill bidding suspected")),
    "takedown": (Scene, lambda s: lot_takedown(make_admin(), s.lot_id, reason="Odometer disputed")),
    "settle": (Scene, lambda s: settle_lot(s.lot_id, now=s.lot.ends_at)),
    "decide": (lambda: Scene().closed_below_reserve(),
               lambda s: lot_decide(s.dealer, s.lot_id, accept=True, now=s.lot.ends_at)),
    "expire": (lambda: Scene().closed_below_reserve(),
               lambda s: expire_decisions(now=s.lot.ends_at + timedelta(days=2))),
    "cancel": (Scene, lambda s: auction_cancel(make_admin(), s.lot.auction_id, reason="Car recalled")),
    "listing_edit": (Scene, lambda s: car_update(s.dealer, s.lot.car_id, {"description": "New tyres."})),
}


def lot_changes_logged(lot_id: int) -> int:
    with UnitOfWork(write=False) as uow:
        return int(uow.session.execute(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.entity == "lots", ChangeLog.entity_id == lot_id)).scalar_one())


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_every_change_of_a_lot_bumps_logs_and_announces_it_once(store: str, heard: list[Event],
                                                                 kind: str) -> None:
    prepare, change = CHANGES[kind]
    scene = prepare()
    version, logged = lot_now(scene.lot_id).version, lot_changes_logged(scene.lot_id)
    heard.clear()
    change(scene)
    after = lot_now(scene.lot_id).version
    assert after == version + 1, f"{kind}: the version moves once"
    assert lot_changes_logged(scene.lot_id) == logged + 1, f"{kind}: one change-log row"
    assert [e for e in heard if isinstance(e, LotEvent) and e.lot_id == scene.lot_id] == [
        LotEvent(scene.lot_id, after)], f"{kind}: one board event, with the new version"


@pytest.fixture
def writes() -> Iterator[list[str]]:
    """Every INSERT, UPDATE or DELETE the process sends to the store while the test runs."""
    sent: list[str] = []
    engine = get_engine()

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE", "WITH"}:
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield sent
    event.remove(engine, "before_cursor_execute", count)


def test_the_board_only_reads_even_a_lot_past_its_end(store: str, writes: list[str]) -> None:
    scene = Scene()
    ended = scene.lot.ends_at + timedelta(seconds=1)
    before = lot_now(scene.lot_id)
    writes.clear()
    board = lot_board_snapshot(scene.lot_id, now=ended)
    assert writes == []
    assert board.awaiting_settlement and board.outcome is None
    after = lot_now(scene.lot_id)
    assert (after.version, after.outcome, after.settled_at) == (before.version, None, None)


def test_settling_is_asked_for_by_name_and_then_the_board_shows_the_result(store: str) -> None:
    scene = Scene()
    ended = scene.lot.ends_at + timedelta(seconds=1)
    board = settled_first(lambda: lot_board_snapshot(scene.lot_id, now=ended), now=ended)
    assert (board.outcome, board.decision, board.price) == ("reserve_not_met", "pending", Decimal("300000"))
    assert not board.awaiting_settlement
    assert lot_now(scene.lot_id).version == board.version


def test_a_board_not_due_costs_no_settlement(store: str, writes: list[str]) -> None:
    scene = Scene()
    writes.clear()
    board = settled_first(lambda: lot_board_snapshot(scene.lot_id))
    assert board.is_open and writes == []


def test_a_bid_placed_then_replayed_leaves_the_lot_as_its_bids_make_it(store: str) -> None:
    """The replay's single write (price, leader, counters) matches what the bids say."""
    scene = Scene()
    other = make_user()
    bid(other, scene.lot_id, "420000")
    bid_void(make_admin(), scene.bid_id, reason="Shill bidding suspected")
    lot = lot_now(scene.lot_id)
    with UnitOfWork(write=False) as uow:
        active = uow.session.execute(select(func.count()).select_from(Bid).where(
            Bid.lot_id == scene.lot_id, Bid.status == "active")).scalar_one()
    assert (lot.leader_id, lot.current_price, lot.bid_count, lot.bidder_count) == (
        other.id, Decimal("400000"), active, 1)  # alone, its maximum still lifts the price to the reserve
