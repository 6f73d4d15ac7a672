"""Page tests with Streamlit's AppTest, on the SQLite store (the pages are the same on both stores;
the services under them are tested on both in tests/integration)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from domain.accounts import auth
from domain.permissions import Actor
from tests.support.factories import PASSWORD
from ui.session import TOKEN_KEY

TIMEOUT = 30


@pytest.fixture(autouse=True)
def fresh_caches(sqlite_store: str) -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()


def app_as_visitor() -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    at.run()
    return at


def sign_in(at: AppTest, actor: Actor, password: str = PASSWORD) -> AppTest:
    """Sign in through the real login page, as a user would."""
    at.text_input(key="login_email").input(actor.email)
    at.text_input(key="login_password").input(password)
    at.button[0].click()  # the form's submit button is the first button on the login page
    at.run()
    return at


def app_signed_in(actor: Actor) -> AppTest:
    """The whole app (frame and navigation) for a user whose session is already open."""
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    at.session_state[TOKEN_KEY] = auth.user_login(email=actor.email, password=PASSWORD,
                                                  address="127.0.0.1").token
    at.run()
    return at


def page_as(actor: Actor | None, page: str, **query: object) -> AppTest:
    """Run one page script on its own, without the frame and its navigation (as a direct hit would),
    signed in through session state: the page's own guard is all that stands in the way."""
    at = AppTest.from_file(f"../../{page}", default_timeout=TIMEOUT)
    for name, value in query.items():
        at.query_params[name] = str(value)
    if actor is not None:
        signed = auth.user_login(email=actor.email, password=PASSWORD, address="127.0.0.1")
        at.session_state[TOKEN_KEY] = signed.token
    at.run()
    return at


def texts(at: AppTest) -> str:
    parts: list[Callable[[], list[str]]] = [
        lambda: [e.value for e in at.title], lambda: [e.value for e in at.markdown],
        lambda: [e.value for e in at.error], lambda: [e.value for e in at.success],
        lambda: [e.value for e in at.info], lambda: [e.value for e in at.warning],
        lambda: [e.value for e in at.caption], lambda: [e.value for e in at.subheader],
    ]
    return "\n".join(str(v) for part in parts for v in part())
