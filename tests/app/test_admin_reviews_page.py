"""The review queue page: an admin sees an account flagged for retractions and suspends or clears it."""

from __future__ import annotations

import uuid
from datetime import timedelta

from data.models import User
from data.uow import UnitOfWork
from domain.bidding.retraction import RetractReason, bid_retract
from domain.bidding.service import bid_place
from domain.permissions import Actor
from domain.types import UserStatus
from tests.app.conftest import page_as, texts
from tests.support.factories import live_lot, make_admin, make_user


def retract_three_times(bidder: Actor) -> None:
    for _ in range(3):
        lot = live_lot(closes_in=timedelta(days=1))
        receipt = bid_place(bidder, lot_id=lot.id or 0, maximum="310000", key=uuid.uuid4().hex)
        bid_retract(bidder, receipt.bid_id, reason=RetractReason.MISTYPED)


def status_of(user_id: int | None) -> str:
    with UnitOfWork(write=False) as uow:
        user = uow.session.get(User, user_id)
        assert user is not None
        return user.status


def test_admin_suspends_a_flagged_account() -> None:
    flagged, boss = make_user(email="retracts@example.com"), make_admin()
    retract_three_times(flagged)
    at = page_as(boss, "pages/admin_reviews.py")
    assert "retracts@example.com" in texts(at) and "3 bid retractions" in texts(at)
    at.text_input(key=next(w.key for w in at.text_input)).input("Serial retractions")
    next(b for b in at.button if b.key.startswith("review_suspend_")).click()
    at.run()
    assert not at.exception and status_of(flagged.id) == UserStatus.SUSPENDED
    assert "No account is waiting for review." in texts(at)


def test_admin_clears_a_flag_and_a_bidder_cannot_open_the_queue() -> None:
    flagged, boss = make_user(), make_admin()
    retract_three_times(flagged)
    at = page_as(boss, "pages/admin_reviews.py")
    next(b for b in at.button if b.key.startswith("review_clear_")).click()
    at.run()
    assert status_of(flagged.id) == UserStatus.ACTIVE and "No account is waiting" in texts(at)
    refused = page_as(make_user(), "pages/admin_reviews.py")
    assert "does not have access" in texts(refused)
