"""A newcomer's first minutes, in a real browser: register, land home, reload (the HttpOnly cookie
keeps the session), sign out, sign back in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.e2e
PASSWORD = "Browser-Test-Pass-1"


def fill(page: Page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)


def test_register_sign_in_and_stay_signed_in(page: Page, app_url: str) -> None:
    page.goto(app_url)
    expect(page.get_by_text("Sign in to AutoGavel")).to_be_visible()
    expect(page.get_by_text("Demo accounts")).to_be_visible()  # demo mode on the embedded store

    page.get_by_role("link", name="New here? Create an account").click()
    fill(page, "Full name", "Meera Pillai")
    fill(page, "Email", "meera@example.com")
    fill(page, "Password", PASSWORD)
    fill(page, "Repeat password", PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome, Meera")).to_be_visible()

    wait_until(lambda: any(c["name"] == "auction_session" for c in page.context.cookies()))
    cookie = next(c for c in page.context.cookies() if c["name"] == "auction_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.reload()
    expect(page.get_by_text("Welcome, Meera")).to_be_visible()

    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_text("Sign in to AutoGavel")).to_be_visible()
    wait_until(lambda: "auction_session" not in {c["name"] for c in page.context.cookies()})
    page.reload()
    expect(page.get_by_text("Sign in to AutoGavel")).to_be_visible()

    fill(page, "Email", "meera@example.com")
    fill(page, "Password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome, Meera")).to_be_visible()


def test_security_headers_are_sent(page: Page, app_url: str) -> None:
    response = page.goto(app_url)
    assert response is not None
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert re.search(r"frame-ancestors 'none'", headers["content-security-policy"])
