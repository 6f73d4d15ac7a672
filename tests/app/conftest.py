"""Page tests with Streamlit's AppTest, on the SQLite store (the pages are the same on both stores;
the services under them are tested on both in tests/integration)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from domain.permissions import Actor
from tests.support.factories import PASSWORD

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


def page_as(actor: Actor, page: str) -> AppTest:
    """Run one page directly (as AppTest's switch_page does: without the frame)."""
    at = sign_in(app_as_visitor(), actor)
    at.switch_page(page)
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
