"""The sign-in page and the frame's navigation for visitors and signed-in users."""

from __future__ import annotations

import pytest

from data.settings import get_settings
from demo.accounts import DEMO_ACCOUNTS
from tests.app.conftest import app_as_visitor, page_as, sign_in, texts
from tests.support.factories import make_user


def test_visitor_sees_sign_in_and_no_private_pages() -> None:
    at = app_as_visitor()
    assert not at.exception
    assert "Sign in to AutoGavel" in texts(at)
    assert at.text_input(key="login_email")


def test_sign_in_leads_home() -> None:
    user = make_user(name="Asha Rao")
    at = sign_in(app_as_visitor(), user)
    assert not at.exception
    assert "Welcome, Asha" in texts(at)


def test_wrong_password_says_so_without_revealing_accounts() -> None:
    user = make_user()
    at = sign_in(app_as_visitor(), user, password="Wrong-Password-1")
    unknown = app_as_visitor()
    unknown.text_input(key="login_email").input("nobody@example.com")
    unknown.text_input(key="login_password").input("Wrong-Password-1")
    unknown.button[0].click()
    unknown.run()
    assert [e.value for e in at.error] == [e.value for e in unknown.error]
    assert "incorrect" in at.error[0].value


@pytest.mark.parametrize("demo_mode", [True, False])
def test_sign_in_page_lists_the_demo_accounts_in_demo_mode_only(
        demo_mode: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "demo_mode", demo_mode)
    at = page_as(None, "pages/login.py")
    assert not at.exception
    shown = at.table[0].value["Email"].tolist() if at.table else []
    assert shown == ([account.email for account in DEMO_ACCOUNTS] if demo_mode else [])
    assert ("Demo accounts" in texts(at)) is demo_mode
