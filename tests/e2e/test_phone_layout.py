"""On a 390 px phone, card grids read in the same order as on a desktop (the columns of each row
stack in turn), and Enter in the auction form's fields does not save a draft."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import demo_accounts, sign_in

pytestmark = pytest.mark.e2e
LOT_TITLE = re.compile(r"^Lot (\d+):")


def largest_auction(data_dir: Path) -> tuple[int, int]:
    """A published demo auction with the most lots (more lots than a row holds)."""
    with sqlite3.connect(data_dir / "auction.db") as db:
        auction_id, lots = db.execute(
            "SELECT auctions.id, count(*) FROM lots JOIN auctions ON auctions.id = lots.auction_id "
            "WHERE auctions.status = 'scheduled' GROUP BY auctions.id ORDER BY count(*) DESC, auctions.id "
            "LIMIT 1").fetchone()
    assert lots >= 4, "the demo has an auction of four or more lots"
    return int(auction_id), int(lots)


def lot_numbers_top_to_bottom(page: Page, lots: int) -> list[int]:
    """The lot cards' numbers in the order a reader meets them: by row on screen, then left to right."""
    titles = page.locator("strong").filter(has_text=LOT_TITLE)
    expect(titles).to_have_count(lots)
    placed = []
    for title in titles.all():
        box = title.bounding_box()
        assert box is not None
        match = LOT_TITLE.match(title.inner_text())
        assert match is not None
        placed.append((round(box["y"]), box["x"], int(match.group(1))))
    return [number for _, _, number in sorted(placed)]


def test_lot_cards_keep_their_order_on_a_phone(browser: Browser, page: Page, app_url: str,
                                               app_data_dir: Path) -> None:
    accounts = demo_accounts(page, app_url)
    auction_id, lots = largest_auction(app_data_dir)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = phone.new_page()
        tab.set_default_timeout(30_000)
        sign_in(tab, app_url, *accounts["bidder"])
        tab.goto(f"{app_url}/auction?id={auction_id}")
        numbers = lot_numbers_top_to_bottom(tab, lots)
    finally:
        phone.close()
    assert numbers == list(range(1, lots + 1))


def test_enter_in_the_auction_form_does_not_save(page: Page, app_url: str, app_data_dir: Path) -> None:
    sign_in(page, app_url, *demo_accounts(page, app_url)["dealer"])
    page.goto(f"{app_url}/dealer_auctions")
    page.get_by_text("Create an auction").click()
    title = page.get_by_label("Title", exact=True)
    title.fill("Pressed Enter too early")
    title.press("Enter")
    # Streamlit tells a form's fields "Press Enter to submit form"; this form's fields must not.
    expect(page.get_by_text(re.compile("Press Enter to submit", re.IGNORECASE))).to_have_count(0)
    page.get_by_role("button", name="Save draft").click()  # the button still saves (or says why not)
    expect(page.get_by_text(re.compile("Draft saved|lots?", re.IGNORECASE)).first).to_be_visible()
    with sqlite3.connect(app_data_dir / "auction.db") as db:
        saved = db.execute("SELECT count(*) FROM auctions WHERE title = ?", ("Pressed Enter too early",))
        assert saved.fetchone()[0] == 0  # no car picked: nothing to save, and Enter saved nothing either
