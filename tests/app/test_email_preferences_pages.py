"""The email choices on My account (toggles that save; disabled, with the reason, before the address is
verified) and the unsubscribe page that an outbid email's link opens, signed out."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlparse

from sqlalchemy import update
from sqlmodel import col, select

from data.models import EmailOutbox, User
from data.uow import UnitOfWork
from domain.accounts.email_preferences import UNVERIFIED, Topic, email_preferences_of
from domain.bidding import service
from tests.app.conftest import page_as, texts
from tests.support.factories import live_lot, make_user


def test_the_toggles_show_the_defaults_and_save() -> None:
    user = make_user()
    at = page_as(user, "pages/account.py")
    assert not at.exception
    assert at.toggle(key="email_won").value and not at.toggle(key="email_outbid").value
    at.toggle(key="email_outbid").set_value(True)
    at.toggle(key="email_won").set_value(False)
    at.button(key="email_save").click()
    at.run()
    assert "Email choices saved." in texts(at)
    topics = email_preferences_of(user).topics
    assert topics[Topic.OUTBID] and not topics[Topic.WON]
    again = page_as(user, "pages/account.py")
    assert again.toggle(key="email_outbid").value and not again.toggle(key="email_won").value


def test_an_unverified_account_reads_why_and_cannot_change_them() -> None:
    user = make_user()
    with UnitOfWork() as uow:
        uow.session.execute(update(User).where(col(User.id) == user.id).values(email_verified_at=None))
        uow.commit()
    at = page_as(user, "pages/account.py")
    assert UNVERIFIED in texts(at)
    assert at.toggle(key="email_outbid").disabled and at.button(key="email_save").disabled


def test_the_unsubscribe_link_of_an_outbid_email_works_signed_out() -> None:
    lot, keen, rival = live_lot(), make_user(), make_user()
    page = page_as(keen, "pages/account.py")
    page.toggle(key="email_outbid").set_value(True)
    page.button(key="email_save").click()
    page.run()
    for bidder, amount in ((keen, 310_000), (rival, 320_000)):
        service.bid_place(bidder, lot_id=lot.id or 0, maximum=amount, key=uuid.uuid4().hex)
    with UnitOfWork(write=False) as uow:
        mail = uow.session.exec(select(EmailOutbox).where(EmailOutbox.kind == "outbid")).one()
    url = next(word for word in mail.body.split() if "/unsubscribe?" in word)
    query = {name: values[0] for name, values in parse_qs(urlparse(url).query).items()}
    forged = page_as(None, "pages/unsubscribe.py", topic="won", token=query["token"])
    forged.button(key="unsubscribe").click().run()
    assert forged.error and email_preferences_of(keen).topics[Topic.WON]
    at = page_as(None, "pages/unsubscribe.py", **query)
    assert "When I am outbid" in texts(at) and email_preferences_of(keen).topics[Topic.OUTBID]
    at.button(key="unsubscribe").click().run()
    assert "no more emails" in texts(at) and not email_preferences_of(keen).topics[Topic.OUTBID]


def test_the_page_without_a_link_says_where_to_go() -> None:
    at = page_as(None, "pages/unsubscribe.py")
    assert not at.exception and "My account" in texts(at) and not at.button
