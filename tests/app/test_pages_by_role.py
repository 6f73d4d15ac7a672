"""Every page for every role: what each may see, and that the wrong role is stopped on the page itself
(pages run directly, as AppTest's switch_page does, without the frame's navigation)."""

from __future__ import annotations

import pytest

from domain.accounts import auth
from domain.errors import SessionExpired
from domain.permissions import Actor
from domain.types import Role
from tests.app.conftest import app_as_visitor, app_signed_in, page_as, sign_in, texts
from tests.support.factories import make_admin, make_dealer, make_user
from ui.session import TOKEN_KEY

PAGES = ["home", "account", "become_dealer", "admin_users", "admin_dealers"]
ACCESS = {
    "bidder": {"home", "account", "become_dealer"},
    "dealer": {"home", "account"},
    "analyst": {"home", "account"},
    "admin": {"home", "account", "become_dealer", "admin_users", "admin_dealers"},
}
REFUSED = "does not have access"


def actor_for(role: str) -> Actor:
    return {"bidder": make_user, "dealer": make_dealer, "admin": make_admin,
            "analyst": lambda: make_user(Role.ANALYST)}[role]()


@pytest.mark.parametrize("role", list(ACCESS))
@pytest.mark.parametrize("page", PAGES)
def test_page_access_by_role(role: str, page: str) -> None:
    at = page_as(actor_for(role), f"pages/{page}.py")
    assert not at.exception
    refused = REFUSED in texts(at)
    if page == "become_dealer" and role == "dealer":
        refused = refused or "is verified" in texts(at)
    assert refused == (page not in ACCESS[role]), texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_visitors_are_asked_to_sign_in(page: str) -> None:
    at = page_as(None, f"pages/{page}.py")
    assert not at.exception
    assert "Please sign in" in texts(at)


def test_home_shows_what_each_role_can_do() -> None:
    expected = {"bidder": "Bid", "dealer": "Sell", "analyst": "Analyse", "admin": "Administer"}
    for role, card in expected.items():
        at = sign_in(app_as_visitor(), actor_for(role))
        assert card in texts(at), role
    analyst_home = sign_in(app_as_visitor(), actor_for("analyst"))
    assert "Bid" not in texts(analyst_home)


def test_sign_out_ends_the_session_in_the_store() -> None:
    at = page_as(make_user(), "pages/account.py")
    token = at.session_state[TOKEN_KEY]
    at.button(key="account_sign_out").click()
    at.run()
    assert "Please sign in" in texts(at)
    with pytest.raises(SessionExpired):
        auth.session_resolve(token)


@pytest.mark.parametrize("role", list(ACCESS))
def test_navigation_offers_only_the_pages_of_the_role(role: str) -> None:
    at = app_signed_in(actor_for(role))
    assert not at.exception
    assert "Sign out" in [b.label for b in at.button]
