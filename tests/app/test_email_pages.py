"""The reset-password page (signed out), the verify-email page, the verification banner, and the
admin's email outbox."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import select

from data.models import EmailOutbox
from data.settings import get_settings
from data.uow import UnitOfWork
from domain.accounts import auth
from domain.accounts import users as accounts
from domain.accounts.password_reset import ASKED
from tests.app.conftest import page_as, texts
from tests.support.factories import PASSWORD, make_admin, make_user

NEW_PASSWORD = "Brand-New-Pass-42"


def token_of(kind: str, to: str) -> str:
    with UnitOfWork(write=False) as uow:
        mail = uow.session.exec(select(EmailOutbox).where(EmailOutbox.kind == kind,
                                                          EmailOutbox.to_address == to)).all()[-1]
    url = next(word for word in mail.body.split() if word.startswith("http"))
    return parse_qs(urlparse(url).query)["token"][0]


def ask_for_link(email: str) -> None:
    at = page_as(None, "pages/reset_password.py")
    at.text_input(key="reset_email").input(email)
    at.button[0].click()
    at.run()


def test_a_visitor_asks_for_a_link_and_gets_the_same_answer_for_any_address() -> None:
    user = make_user()
    for email in (user.email, "nobody@example.com"):
        at = page_as(None, "pages/reset_password.py")
        at.text_input(key="reset_email").input(email)
        at.button[0].click()
        at.run()
        assert not at.exception and [s.value for s in at.success] == [ASKED]
    assert token_of("password_reset", user.email)


def test_a_request_without_an_address_says_what_to_type() -> None:
    at = page_as(None, "pages/reset_password.py")
    at.button[0].click()  # nothing typed
    at.run()
    assert not at.exception and not at.success
    assert any("Email is required" in e.value for e in at.error)


def test_the_link_sets_a_new_password_once() -> None:
    user = make_user()
    ask_for_link(user.email)
    token = token_of("password_reset", user.email)
    for expected in ("every session signed out", "already used"):
        at = page_as(None, "pages/reset_password.py", token=token)
        at.text_input(key="reset_new").input(NEW_PASSWORD)
        at.text_input(key="reset_repeat").input(NEW_PASSWORD)
        at.button[0].click().run()
        assert not at.exception and expected in texts(at)
    assert auth.user_login(email=user.email, password=NEW_PASSWORD, address="t").actor.id == user.id


def test_mismatched_or_weak_passwords_are_refused_on_the_page() -> None:
    user = make_user()
    ask_for_link(user.email)
    at = page_as(None, "pages/reset_password.py", token=token_of("password_reset", user.email))
    at.text_input(key="reset_new").input(NEW_PASSWORD)
    at.text_input(key="reset_repeat").input(NEW_PASSWORD + "x")
    at.button[0].click().run()
    assert "differ" in texts(at)
    at.text_input(key="reset_repeat").input("weak")
    at.text_input(key="reset_new").input("weak")
    at.button[0].click().run()
    assert at.error and "differ" not in texts(at)
    auth.user_login(email=user.email, password=PASSWORD, address="t")  # unchanged


def test_a_new_account_sees_the_banner_until_it_follows_its_link() -> None:
    actor = accounts.user_register(email="fresh@example.com", name="Fresh Person", password=PASSWORD)
    at = page_as(actor, "pages/home.py")
    assert "confirm your email address" in texts(at)
    verified = page_as(None, "pages/verify_email.py", token=token_of("verify_email", actor.email))
    assert "fresh@example.com is verified" in texts(verified)
    assert "confirm your email address" not in texts(page_as(actor, "pages/home.py"))
    assert "confirm your email address" not in texts(page_as(make_user(), "pages/account.py"))


def test_admins_read_the_outbox_in_demo_mode_and_nobody_else_can(monkeypatch: pytest.MonkeyPatch) -> None:
    user, boss = make_user(), make_admin()
    ask_for_link(user.email)
    refused = page_as(user, "pages/admin_outbox.py")
    assert "does not have access" in texts(refused)
    hidden = page_as(boss, "pages/admin_outbox.py")
    assert "Reset your AutoGavel password" in texts(hidden) and not hidden.code  # not demo: no bodies
    monkeypatch.setenv("DEMO_MODE", "true")  # and no SMTP_HOST: nothing would be sent
    get_settings.cache_clear()
    shown = page_as(boss, "pages/admin_outbox.py")
    assert any("/reset_password?token=" in block.value for block in shown.code)
    monkeypatch.undo()
    get_settings.cache_clear()
