"""The lot page in a real browser: the bid form follows the live board, a closed lot shows its result,
and on a phone the price and the bid button come before the photos."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import a_live_lot, demo_accounts, sign_in

pytestmark = pytest.mark.e2e


def close_soon(data_dir: Path, lot_id: int, seconds: int) -> None:
    """Bring the lot's end forward (tests cannot wait for the demo's clock)."""
    ends = (datetime.now(UTC) + timedelta(seconds=seconds)).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(data_dir / "auction.db") as db:
        db.execute("UPDATE lots SET ends_at = ? WHERE id = ?", (ends, lot_id))


def bid(page: Page, above_minimum: int) -> None:
    box = page.get_by_label("Your maximum bid")
    expect(box).not_to_have_value(re.compile("^0?$"))  # drawn with the lowest bid
    box.fill(str(int(float(box.input_value())) + above_minimum))
    page.get_by_role("button", name="Place bid").click()


def lowest_bid_now(page: Page) -> str:
    caption = page.get_by_text(re.compile("^Lowest bid now")).filter(visible=True).inner_text()
    found = re.search(r"Lowest bid now (₹[\d,]+)", caption)
    assert found, caption
    return found.group(1)


def test_the_bid_form_follows_the_board_and_the_close(page: Page, second_page: Page, app_url: str,
                                                      app_data_dir: Path) -> None:
    accounts = demo_accounts(page, app_url)
    # A lot neither account has bid on, whichever tests ran before: the admin's bid must take the lead
    # (a leader raising their own maximum leaves the lowest bid where it was).
    lot_id = a_live_lot(app_data_dir, untouched_by=(accounts["bidder"][0], accounts["admin"][0]))
    sign_in(page, app_url, *accounts["bidder"])
    page.goto(f"{app_url}/lot?id={lot_id}")
    before = lowest_bid_now(page)

    sign_in(second_page, app_url, *accounts["admin"])  # another bidder bids: the watcher does nothing
    second_page.goto(f"{app_url}/lot?id={lot_id}")
    bid(second_page, 500_000)
    expect(second_page.get_by_text(f"Lowest bid now {before}")).not_to_be_visible()
    expect(second_page.get_by_text("You lead at")).to_be_visible()
    rival_minimum = lowest_bid_now(second_page)
    expect(page.get_by_text(f"Lowest bid now {rival_minimum}")).to_be_visible()
    followed = rival_minimum.strip("₹").replace(",", "")
    expect(page.get_by_label("Your maximum bid")).to_have_value(re.compile(rf"^{followed}(\.00)?$"))
    bid(page, 0)  # the form's amount, raised to the new lowest bid: below the rival's maximum
    expect(page.get_by_text("You have been outbid")).to_be_visible()

    close_soon(app_data_dir, lot_id, 5)
    expect(page.get_by_text("Bidding has closed")).to_be_visible()
    expect(page.get_by_text("You did not win this lot")).to_be_visible()
    expect(page.get_by_role("button", name="Place bid")).not_to_be_visible()
    expect(second_page.get_by_text(re.compile("You won this lot|the dealer is deciding"))).to_be_visible()
    expect(second_page.get_by_text("You lead at")).not_to_be_visible()


def test_on_a_phone_the_bid_button_is_on_the_first_screen(browser: Browser, app_url: str,
                                                          app_data_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        sign_in(phone, app_url, *demo_accounts(phone, app_url)["bidder"])
        phone.goto(f"{app_url}/lot?id={a_live_lot(app_data_dir)}")
        button = phone.get_by_role("button", name="Place bid")
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, box
        expect(phone.get_by_test_id("photo-strip")).to_be_attached()
        strip = phone.get_by_test_id("photo-strip").bounding_box()
        assert strip is not None and strip["y"] > box["y"]  # photos come after the bid form
    finally:
        context.close()
