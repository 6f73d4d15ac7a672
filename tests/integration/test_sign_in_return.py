"""The cookie route that ends a sign-in sends the browser back to the address it first asked for (a
shared lot link), and never off the site."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from domain.accounts import auth
from tests.support.factories import PASSWORD, make_user
from ui.http import ROUTES
from ui.session import COOKIE_NAME


def _return_after_sign_in(next_address: str) -> str:
    make_user(email="shared-link@example.com")
    signed = auth.user_login(email="shared-link@example.com", password=PASSWORD, address="127.0.0.1")
    with TestClient(Starlette(routes=ROUTES), follow_redirects=False) as client:
        answer = client.get("/auth/session", params={"ticket": auth.handoff_ticket(signed.token),
                                                     "next": next_address})
        assert answer.status_code == 303
        assert client.cookies.get(COOKIE_NAME)
        return answer.headers["location"]


def test_sign_in_returns_to_the_shared_lot(store: str) -> None:
    assert _return_after_sign_in("/lot?id=7") == "/lot?id=7"


@pytest.mark.parametrize("elsewhere", ["https://evil.example/lot", "//evil.example/lot", "/\\evil.example",
                                       "lot?id=7", "/lot\r\nSet-Cookie: x=1"])
def test_sign_in_never_redirects_off_the_site(store: str, elsewhere: str) -> None:
    assert _return_after_sign_in(elsewhere) == "/"
