"""A reserve decision left unanswered past its 24 hours reads as declined even if no worker ever ran:
the board says expired, the high bidder has lost, the car is free for another auction, the dealer's
late answer is refused (both stores)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col

from data.models import Lot, Notification
from data.types import utcnow
from data.uow import UnitOfWork
from domain.auctions.service import auction_create
from domain.bidding.board import lot_board_snapshot, my_bids
from domain.bidding.service import bid_place
from domain.bidding.settlement import expire_decisions, lot_decide, settle_lot
from domain.errors import InvalidTransition, ValidationFailed
from tests.integration.test_bidding import count
from tests.support.factories import auction_spec, live_lot, make_dealer, make_user


def test_an_overdue_decision_reads_as_declined_without_the_worker(store: str) -> None:
    dealer, asha = make_dealer(), make_user()
    lot = live_lot(dealer, closes_in=timedelta(minutes=5))
    bid_place(asha, lot_id=lot.id or 0, maximum="350000", key=uuid.uuid4().hex)  # below the reserve
    settled = utcnow() + timedelta(minutes=10)
    settle_lot(lot.id or 0, now=settled)
    assert lot_board_snapshot(lot.id or 0, now=settled + timedelta(hours=23)).decision == "pending"
    with pytest.raises(ValidationFailed):  # the car is held while the dealer may still accept
        auction_create(dealer, dealer.dealer_id or 0, auction_spec([lot.car_id]))
    with UnitOfWork() as uow:  # the 24 hours pass; the worker never runs
        uow.session.execute(update(Lot).where(col(Lot.id) == lot.id)
                            .values(decision_due_at=utcnow() - timedelta(seconds=1)))
        uow.commit()
    assert lot_board_snapshot(lot.id or 0).decision == "expired"
    assert [b.status for b in my_bids(asha)] == ["lost"]
    assert auction_create(dealer, dealer.dealer_id or 0, auction_spec([lot.car_id])).id  # the car is free
    with pytest.raises(InvalidTransition):
        lot_decide(dealer, lot.id or 0, accept=True)


def test_the_worker_writes_the_expiry_down_and_tells_the_high_bidder(store: str) -> None:
    asha = make_user()
    lot = live_lot(closes_in=timedelta(minutes=5))
    bid_place(asha, lot_id=lot.id or 0, maximum="350000", key=uuid.uuid4().hex)
    settled = utcnow() + timedelta(minutes=10)
    settle_lot(lot.id or 0, now=settled)
    assert expire_decisions(now=settled + timedelta(hours=25)) == 1
    assert expire_decisions(now=settled + timedelta(hours=26)) == 0
    assert count(Notification, user_id=asha.id, kind="offer_declined") == 1
