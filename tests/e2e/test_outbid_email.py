"""An outbid email, in a real browser against the embedded app, whose own mailer thread delivers it
through a local SMTP server (aiosmtpd): the bidder who chose outbid emails is outbid, reads the email,
follows its link to the lot, and, signed out, follows its unsubscribe link to stop them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from data.settings import get_settings
from domain.accounts.email_preferences import Topic, email_preferences_of, email_preferences_update
from domain.bidding import service
from tests.e2e.conftest import sign_in, wait_until
from tests.support.factories import PASSWORD, live_lot, make_user
from tests.support.smtp import Inbox

pytestmark = pytest.mark.e2e


def outbid_email(inbox: Inbox, address: str) -> Message:
    wait_until(lambda: any("outbid" in m["Subject"] for m in inbox.to(address)), timeout=30)
    return next(m for m in inbox.to(address) if "outbid" in m["Subject"])


def links_in(message: Message) -> list[str]:
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return [word for word in str(text.get_payload(decode=True), "utf-8").split() if word.startswith("http")]


@pytest.fixture
def linking_app(mailing_app: tuple[str, Inbox], tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Inbox]]:
    """The bids are placed from this process, so its emails must link to the app and sign their links
    as the app's processes do (the demo secrets the app made in its data folder)."""
    monkeypatch.setenv("APP_BASE_URL", mailing_app[0])
    app_secrets = json.loads((tmp_path / "demo-secrets.json").read_text())
    monkeypatch.setenv("JWT_SECRET", app_secrets["JWT_SECRET"])
    get_settings.cache_clear()
    yield mailing_app
    monkeypatch.undo()
    get_settings.cache_clear()


def test_an_outbid_email_arrives_and_its_links_work(page: Page, second_page: Page,
                                                    linking_app: tuple[str, Inbox]) -> None:
    url, inbox = linking_app
    keen, rival, lot = make_user(name="Keen Bidder"), make_user(), live_lot()
    email_preferences_update(keen, {"outbid": True})
    for bidder, amount in ((keen, 310_000), (rival, 320_000)):
        service.bid_place(bidder, lot_id=lot.id or 0, maximum=amount, key=uuid.uuid4().hex)

    lot_link, stop_link = links_in(outbid_email(inbox, keen.email))
    assert lot_link == f"{url}/lot?id={lot.id}" and stop_link.startswith(f"{url}/unsubscribe?")
    sign_in(page, url, keen.email, PASSWORD)
    page.goto(lot_link)
    expect(page.get_by_role("heading", name="Lot 1:")).to_be_visible()

    second_page.goto(stop_link)  # signed out
    second_page.get_by_role("button", name="Stop these emails").click()
    expect(second_page.get_by_text("Done: no more emails")).to_be_visible()
    assert not email_preferences_of(keen).topics[Topic.OUTBID]
