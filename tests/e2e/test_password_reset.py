"""Forgotten password, in a real browser against the embedded app, whose own mailer thread delivers
through a local SMTP server (aiosmtpd): ask on the page, read the email, follow its link, set a new
password, sign in with it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from domain.accounts import users as accounts
from tests.e2e.conftest import sign_in, wait_until
from tests.support.smtp import Inbox

pytestmark = pytest.mark.e2e
EMAIL, OLD, NEW = "forgetful@example.com", "Browser-Old-Pass-1", "Browser-New-Pass-2"
RESET_SUBJECT = "Reset your AutoGavel password"


# This app is started for the test: it seeds its own demo and builds its analytics copy as it starts,
# so on a loaded machine its first page and its mailer's first round can take far longer than later ones.
FIRST_START_S = 120


def reset_link(inbox: Inbox) -> str:
    wait_until(lambda: any(m["Subject"] == RESET_SUBJECT for m in inbox.to(EMAIL)), timeout=FIRST_START_S)
    message = next(m for m in inbox.to(EMAIL) if m["Subject"] == RESET_SUBJECT)
    body = str(message.get_payload(decode=True), "utf-8")
    return next(word for word in body.split() if "/reset_password?token=" in word)


def test_reset_a_forgotten_password_through_the_emailed_link(page: Page,
                                                             mailing_app: tuple[str, Inbox]) -> None:
    url, inbox = mailing_app
    accounts.user_register(email=EMAIL, name="Forgetful Person", password=OLD)
    page.goto(url)
    page.get_by_role("link", name="Forgot your password?").click(timeout=FIRST_START_S * 1000)
    # The sign-in page has an "Email" field too, and stays on screen until the reset page's run ends:
    # fill the reset form's own field, once it is drawn, and check it kept what was typed.
    ask = page.get_by_role("button", name="Email me a reset link")
    ask.wait_for(timeout=FIRST_START_S * 1000)
    field = page.get_by_test_id("stForm").filter(has=ask).get_by_label("Email", exact=True)
    field.fill(EMAIL)
    expect(field).to_have_value(EMAIL)
    ask.click()
    expect(page.get_by_text("a reset link is on its way")).to_be_visible()

    link = reset_link(inbox)
    assert link.startswith(url)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Repeat new password", exact=True).fill(NEW)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("every session signed out")).to_be_visible()

    sign_in(page, url, EMAIL, NEW)
    expect(page.get_by_text("Please confirm your email address")).to_be_visible()  # the banner
    assert any(m["Subject"] == "Confirm your AutoGavel email address" for m in inbox.to(EMAIL))
