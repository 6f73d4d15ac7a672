"""The pages under the marketplace's limits (the same rule as the API's), the lot page's report form,
and the review queue's reasons: retractions, a lockout, reports with the reports listed."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import col, func, select
from streamlit.testing.v1 import AppTest

from data.models import Report, User
from data.uow import UnitOfWork
from domain.accounts import auth
from domain.bidding.board import handle
from domain.bidding.service import bid_place
from domain.errors import InvalidCredentials
from domain.oversight.reports import report_file
from tests.app.conftest import page_as, texts
from tests.app.test_register import register
from tests.support.factories import PASSWORD, live_lot, lot_now, make_admin, make_dealer, make_user
from tests.support.limits import tight_limits


def bid_on_page(at: AppTest, amount: int) -> AppTest:
    at.number_input(key="bid_amount").set_value(amount)
    at.button(key="place_bid").click()
    at.run()
    return at


def test_the_lot_page_refuses_a_bid_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, bids_per_user_per_minute=1)
    lot = live_lot()
    at = bid_on_page(page_as(make_user(), "pages/lot.py", id=lot.id), 310_000)
    assert "You lead" in texts(at)
    at = bid_on_page(at, 350_000)
    assert not at.exception and "1 bids in the last minute" in texts(at) and "try again in" in texts(at)
    assert lot_now(lot.id).bid_count == 1 and lot_now(lot.id).leader_max == 310_000


def test_the_register_page_refuses_past_the_limit_per_address(monkeypatch: pytest.MonkeyPatch) -> None:
    tight_limits(monkeypatch, registrations_per_address_per_hour=1)
    assert "Welcome" in texts(register("First Person", "first@example.com", PASSWORD))
    refused = register("Second Person", "second@example.com", PASSWORD)
    assert not refused.exception and "No account was created" in texts(refused)
    with UnitOfWork(write=False) as uow:
        assert uow.session.exec(select(func.count()).select_from(User)
                                .where(col(User.email) == "second@example.com")).one() == 0


def report_on_page(at: AppTest, about: str, reason: str, note: str = "",
                   bidder: str | None = None) -> AppTest:
    at.radio(key="report_about").set_value(about)
    at.run()
    if bidder is not None:
        at.selectbox(key="report_bidder").set_value(bidder)
    at.selectbox(key="report_reason").set_value(reason)
    at.text_area(key="report_note").input(note)
    at.button(key="report_send").click()
    at.run()
    return at


def test_a_bidder_reports_a_listing_once_and_a_bidder_by_pseudonym() -> None:
    lot, rival, reporter = live_lot(), make_user(name="Rita Rival"), make_user()
    bid_place(rival, lot_id=lot.id or 0, maximum="320000", key=uuid.uuid4().hex)
    at = page_as(reporter, "pages/lot.py", id=lot.id)
    assert "Rita Rival" not in texts(at)
    at = report_on_page(at, "listing", "misleading", "Photos are of another car")
    assert not at.exception and "your report was sent" in texts(at)
    at = report_on_page(at, "listing", "misleading")
    assert "already reported" in texts(at)
    pseudonym = handle(rival.id, lot.id or 0)
    at = report_on_page(at, "bidder", "shill_bidding", bidder=pseudonym)
    assert "your report was sent" in texts(at)
    with UnitOfWork(write=False) as uow:
        accused = uow.session.exec(select(Report.accused_id).where(Report.about == "bidder")).one()
    assert accused == rival.id


def test_the_queue_shows_a_lockout_and_reports_with_their_list() -> None:
    boss, dealer = make_admin(), make_dealer()
    lot = live_lot(dealer)
    for n in range(3):
        report_file(make_user(email=f"reporter{n}@example.com"), lot_id=lot.id or 0, about="seller",
                    reason="fraud", note=f"Asked me to pay outside the site ({n})")
    locked = make_user(email="locked@example.com")
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            auth.user_login(email=locked.email, password="Wrong-Password-1", address="198.51.100.4")
    at = page_as(boss, "pages/admin_reviews.py")
    page = texts(at)
    assert not at.exception
    assert "locked out after failed sign-ins" in page and "198.51.100.4" in page
    assert "reported by other users" in page and "Reported by 3 users" in page
    listed = at.dataframe[0].value
    assert len(listed) == 3 and set(listed["Reason"]) == {"Suspected fraud or scam"}
    assert "reporter0@example.com" in set(listed["Reported by"])
    next(b for b in at.button if b.key.startswith("review_suspend_")).click()
    at.run()
    assert not at.exception and page.count("@example.com") > texts(at).count("@example.com")
