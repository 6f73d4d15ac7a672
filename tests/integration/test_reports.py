"""Reports and the review flags they and lockouts raise, on both stores."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import func, select

from data.models import AccountReview, AuditLog, Report, User
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts import auth
from domain.bidding.board import handle
from domain.bidding.service import bid_place
from domain.errors import (
    AlreadyReported,
    Forbidden,
    InvalidCredentials,
    LoginLocked,
    RateLimited,
    ValidationFailed,
)
from domain.oversight.reports import report_file
from domain.oversight.reviews import review_resolve, reviews_open
from domain.permissions import Actor
from domain.types import UserStatus
from tests.support.factories import live_lot, make_admin, make_dealer, make_user
from tests.support.limits import tight_limits


def reviews_of(user_id: int | None) -> list[tuple[str, str]]:
    with UnitOfWork(write=False) as uow:
        return [(r.reason, r.status) for r in uow.session.exec(
            select(AccountReview).where(AccountReview.user_id == user_id)).all()]


def reports() -> int:
    with UnitOfWork(write=False) as uow:
        return uow.session.exec(select(func.count()).select_from(Report)).one()


def test_reports_of_a_listing_count_against_its_dealer_past_the_threshold(store: str) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer)
    report_file(make_user(), lot_id=lot.id or 0, about="listing", reason="misleading")
    report_file(make_user(), lot_id=lot.id or 0, about="seller", reason="fraud", note="Wanted cash")
    assert reviews_of(dealer.id) == []
    report_file(make_user(), lot_id=lot.id or 0, about="listing", reason="misleading")
    assert reviews_of(dealer.id) == [("reports", "open")]
    report_file(make_user(), lot_id=lot.id or 0, about="listing", reason="other")
    assert reviews_of(dealer.id) == [("reports", "open")]  # one open review per reason


def test_one_reporter_counts_once_however_often_they_report(store: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, reports_review_threshold=2)
    dealer, reporter = make_dealer(), make_user()
    for lot in (live_lot(dealer), live_lot(dealer), live_lot(dealer)):
        report_file(reporter, lot_id=lot.id or 0, about="listing", reason="misleading")
    assert reviews_of(dealer.id) == []


def test_refused_reports_store_nothing(store: str) -> None:
    dealer, reporter, rival = make_dealer(), make_user(), make_user()
    lot = live_lot(dealer)
    bid_place(rival, lot_id=lot.id or 0, maximum="320000", key=uuid.uuid4().hex)
    bid_place(reporter, lot_id=lot.id or 0, maximum="330000", key=uuid.uuid4().hex)
    report_file(reporter, lot_id=lot.id or 0, about="seller", reason="fraud")
    refusals: list[tuple[type[Exception], Actor, dict[str, object]]] = [
        (AlreadyReported, reporter, {"about": "seller", "reason": "abusive"}),
        (Forbidden, dealer, {"about": "listing", "reason": "misleading"}),
        (Forbidden, reporter, {"about": "bidder", "reason": "abusive",
                               "bidder": handle(reporter.id, lot.id or 0)}),
        (ValidationFailed, reporter, {"about": "bidder", "reason": "abusive", "bidder": "Bidder ZZZZ"}),
        (ValidationFailed, reporter, {"about": "car", "reason": "abusive"}),
        (ValidationFailed, reporter, {"about": "listing", "reason": "boring"}),
        (ValidationFailed, reporter, {"about": "listing", "reason": "other", "note": "x" * 501}),
    ]
    for error, who, fields in refusals:
        with pytest.raises(error):
            report_file(who, lot_id=lot.id or 0, **fields)  # type: ignore[arg-type]
    assert reports() == 1
    with pytest.raises(Exception, match="No such lot"):
        report_file(reporter, lot_id=999_999, about="listing", reason="fraud")
    report_file(reporter, lot_id=lot.id or 0, about="bidder", reason="shill_bidding",
                bidder=handle(rival.id, lot.id or 0))
    assert reports() == 2


def test_reports_are_rate_limited_per_user(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, reports_per_user_per_hour=2)
    reporter, lots = make_user(), [live_lot() for _ in range(3)]
    for lot in lots[:2]:
        report_file(reporter, lot_id=lot.id or 0, about="listing", reason="misleading")
    with pytest.raises(RateLimited, match="not filed"):
        report_file(reporter, lot_id=lots[2].id or 0, about="listing", reason="misleading")
    assert reports() == 2


def test_reports_outside_the_window_do_not_flag(store: str) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer)
    long_ago = utcnow() - timedelta(days=31)
    for _ in range(2):
        report_file(make_user(), lot_id=lot.id or 0, about="listing", reason="misleading", now=long_ago)
    report_file(make_user(), lot_id=lot.id or 0, about="listing", reason="misleading")
    assert reviews_of(dealer.id) == []


def fail_to_sign_in(email: str, times: int, address: str = "198.51.100.9") -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            auth.user_login(email=email, password="Wrong-Password-1", address=address)


def test_a_lockout_flags_the_account_and_an_unknown_email_flags_nothing(store: str) -> None:
    user = make_user()
    fail_to_sign_in(user.email, 4)
    assert reviews_of(user.id) == []
    fail_to_sign_in(user.email, 1)
    with pytest.raises(LoginLocked):
        auth.user_login(email=user.email, password="Wrong-Password-1", address="198.51.100.9")
    assert reviews_of(user.id) == [("lockout", "open")]
    fail_to_sign_in("nobody@example.com", 5)
    with UnitOfWork(write=False) as uow:
        assert uow.session.exec(select(func.count()).select_from(AccountReview)).one() == 1


def test_suspend_and_clear_work_for_every_reason_and_are_audited(store: str) -> None:
    boss, dealer, locked = make_admin(), make_dealer(), make_user()
    lot = live_lot(dealer)
    for _ in range(3):
        report_file(make_user(), lot_id=lot.id or 0, about="listing", reason="fraud")
    fail_to_sign_in(locked.email, 5)
    queue = {review.reason: review for review in reviews_open(boss)}
    assert set(queue) == {"reports", "lockout"} and len(queue["reports"].reports) == 3
    assert queue["lockout"].reports == []
    review_resolve(boss, queue["reports"].id, suspend=True)
    review_resolve(boss, queue["lockout"].id, suspend=False, note="A rival guessing")
    with UnitOfWork(write=False) as uow:
        assert uow.session.get(User, dealer.id).status == UserStatus.SUSPENDED  # type: ignore[union-attr]
        assert uow.session.get(User, locked.id).status == UserStatus.ACTIVE  # type: ignore[union-attr]
        actions = set(uow.session.exec(select(AuditLog.action)
                                       .where(AuditLog.entity == "account_reviews")).all())
    assert actions == {"review_suspended", "review_cleared"} and reviews_open(boss) == []
