"""eBay's retraction rule on both stores: listed reasons only, every bid with 12 hours or more left,
only a bid of the last hour later, the lot recomputed, and too many retractions sent to admin review."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import select

from data.models import Bid
from data.types import utcnow
from data.uow import UnitOfWork
from domain.bidding import service
from domain.bidding.retraction import RetractReason, bid_retract
from domain.errors import Forbidden, InvalidTransition, ValidationFailed
from domain.oversight import reviews
from domain.types import UserStatus
from tests.support.factories import live_lot, lot_now, make_admin, make_user


def bid(actor, lot_id: int, amount: str):  # type: ignore[no-untyped-def]
    return service.bid_place(actor, lot_id=lot_id, maximum=amount, key=uuid.uuid4().hex)


def statuses(lot_id: int) -> list[str]:
    with UnitOfWork(write=False) as uow:
        return list(uow.session.exec(select(Bid.status).where(Bid.lot_id == lot_id).order_by(Bid.id)).all())


def test_an_unlisted_reason_is_refused_and_changes_nothing(store: str) -> None:
    lot = live_lot(closes_in=timedelta(days=2))
    ben = make_user()
    mine = bid(ben, lot.id, "350000")
    with pytest.raises(ValidationFailed, match="reason"):
        bid_retract(ben, mine.bid_id, reason="changed my mind")  # type: ignore[arg-type]
    assert statuses(lot.id) == ["active"]


def test_twelve_hours_or_more_left_retracts_all_the_bidders_bids_on_the_lot(store: str) -> None:
    lot = live_lot(closes_in=timedelta(days=2))
    asha, ben = make_user(), make_user()
    bid(ben, lot.id, "310000")
    bid(asha, lot.id, "350000")
    second = bid(ben, lot.id, "3600000")  # a zero too many
    taken = bid_retract(ben, second.bid_id, reason=RetractReason.SELLER_UNREACHABLE)
    assert len(taken) == 2 and statuses(lot.id) == ["retracted", "active", "retracted"]
    state = lot_now(lot.id)
    assert (state.leader_id, state.current_price, state.bid_count, state.bidder_count) == (
        asha.id, D("300000"), 1, 1)


def test_less_than_twelve_hours_left_only_a_bid_of_the_last_hour_and_only_it(store: str) -> None:
    lot = live_lot(closes_in=timedelta(hours=5))
    asha, ben = make_user(), make_user()
    first = bid(ben, lot.id, "310000")
    bid(asha, lot.id, "350000")
    second = bid(ben, lot.id, "3600000")
    later = utcnow() + timedelta(minutes=61)
    with pytest.raises(InvalidTransition, match="last hour"):
        bid_retract(ben, second.bid_id, reason=RetractReason.MISTYPED, now=later)
    with pytest.raises(InvalidTransition, match="last hour"):
        bid_retract(ben, first.bid_id, reason=RetractReason.MISTYPED, now=later)
    assert bid_retract(ben, second.bid_id, reason=RetractReason.MISTYPED,
                       now=utcnow() + timedelta(minutes=30)) == (second.bid_id,)
    assert statuses(lot.id) == ["active", "active", "retracted"]
    assert lot_now(lot.id).leader_id == asha.id


def test_a_recent_bid_may_be_retracted_even_in_the_lots_last_minutes(store: str) -> None:
    lot = live_lot(closes_in=timedelta(minutes=30))
    asha, ben = make_user(), make_user()
    bid(asha, lot.id, "350000")
    typo = bid(ben, lot.id, "3800000")
    bid_retract(ben, typo.bid_id, reason=RetractReason.MISTYPED)
    assert (lot_now(lot.id).leader_id, lot_now(lot.id).current_price) == (asha.id, D("300000"))


def test_retracting_past_the_threshold_puts_the_account_in_review_once(store: str) -> None:
    ben, admin = make_user(), make_admin()
    for _ in range(4):  # the default threshold is 3 in 30 days; the fourth opens no second review
        lot = live_lot(closes_in=timedelta(days=1))
        assert reviews.reviews_open(admin) == [] or _ == 3
        bid_retract(ben, bid(ben, lot.id, "310000").bid_id, reason=RetractReason.MISTYPED)
    flagged = reviews.reviews_open(admin)
    assert [(r.user_id, r.reason) for r in flagged] == [(ben.id, "retractions")]
    assert "3 bid retractions" in flagged[0].detail
    with pytest.raises(Forbidden):
        reviews.reviews_open(ben)
    reviews.review_resolve(admin, flagged[0].id, suspend=True, note="Serial retractions")
    assert reviews.reviews_open(admin) == []
    with UnitOfWork(write=False) as uow:
        from data.models import User
        user = uow.session.get(User, ben.id)
        assert user is not None and user.status == UserStatus.SUSPENDED
    with pytest.raises(InvalidTransition):
        reviews.review_resolve(admin, flagged[0].id, suspend=False)


def test_an_admin_may_clear_a_review(store: str) -> None:
    ben, admin = make_user(), make_admin()
    for _ in range(3):
        lot = live_lot(closes_in=timedelta(days=1))
        bid_retract(ben, bid(ben, lot.id, "310000").bid_id, reason=RetractReason.MISTYPED)
    (review,) = reviews.reviews_open(admin)
    reviews.review_resolve(admin, review.id, suspend=False)
    assert reviews.reviews_open(admin) == []
