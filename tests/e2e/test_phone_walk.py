"""A bidder's and a dealer's pages on a 390 x 844 phone: the page body never scrolls sideways (tables
and photo strips scroll inside themselves), and the bid form is on screen and works."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import WAIT_MS, demo_accounts, sign_in
from tests.support.demo_store import live_demo_lot

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
# The page body and the containers Streamlit scrolls the page in: none may be wider than the screen.
WIDER_THAN_SCREEN = """() => {
  const frames = [document.documentElement, document.body,
    ...document.querySelectorAll('[data-testid="stApp"], [data-testid="stAppViewContainer"], '
      + '[data-testid="stMain"], [data-testid="stMainBlockContainer"]')];
  const wide = frames.filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.dataset.testid || el.tagName} ${el.scrollWidth}>${el.clientWidth}`);
  if (document.documentElement.scrollWidth > window.innerWidth) wide.push(`page ${window.innerWidth}`);
  return wide;
}"""
# What is cut off at the right edge: visible elements past it that no inner scroller lets one reach.
CUT_OFF = """() => {
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const reachable = (el) => { for (let up = el.parentElement; up; up = up.parentElement) {
    if (up.dataset.testid === 'stMain') return false; if (scrolls(up)) return true; } return false; };
  return [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter((el) => el.getClientRects().length && el.getBoundingClientRect().width
      && el.getBoundingClientRect().right > window.innerWidth + 1 && !reachable(el))
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1))
    .slice(0, 5).map((el) => `${el.tagName}.${el.className} "${(el.textContent || '').slice(0, 30)}" `
      + `${Math.round(el.getBoundingClientRect().right)}`);
}"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    yield tab
    context.close()


def fits(page: Page, where: str) -> None:
    page.wait_for_timeout(300)  # let the last element settle its width after the title appears
    wide = page.evaluate(WIDER_THAN_SCREEN)
    assert not wide, f"{where}: the page scrolls sideways on a phone ({wide}); {page.evaluate(CUT_OFF)}"
    cut = page.evaluate(CUT_OFF)
    assert not cut, f"{where}: content runs past the right edge with no way to scroll to it: {cut}"


def visit(page: Page, url: str, title: str | re.Pattern[str]) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1).filter(has_text=title)).to_be_visible()


def within_screen(page: Page, name: str) -> None:
    box = page.get_by_role("button", name=name).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def a_quiet_live_lot(data_dir: Path) -> int:
    """The last demo lot open for the next 20 minutes: other tests bid on the first (`a_live_lot`)."""
    return live_demo_lot(data_dir, open_for=timedelta(minutes=20), last=True)


def auction_and_car(data_dir: Path, lot_id: int) -> tuple[int, int]:
    with sqlite3.connect(data_dir / "auction.db") as db:
        row = db.execute("SELECT auction_id, car_id FROM lots WHERE id = ?", (lot_id,)).fetchone()
    return int(row[0]), int(row[1])


def test_a_bidder_walks_the_marketplace_on_a_phone(phone: Page, app_url: str, app_data_dir: Path) -> None:
    accounts = demo_accounts(phone, app_url)
    fits(phone, "sign-in page")
    sign_in(phone, app_url, *accounts["bidder"])
    fits(phone, "home")
    lot_id = a_quiet_live_lot(app_data_dir)
    auction_id, car_id = auction_and_car(app_data_dir, lot_id)
    for path, title in (("auctions", "Auctions"), (f"auction?id={auction_id}", ""), ("cars", "Browse cars"),
                        (f"car?id={car_id}", ""), ("my_bids", "My bids"), ("notifications", "Notifications"),
                        ("account", "My account"), ("become_dealer", "Become a dealer")):
        visit(phone, f"{app_url}/{path}", title)
        fits(phone, path)
    visit(phone, f"{app_url}/lot?id={lot_id}", re.compile(r"^Lot \d+:"))
    expect(phone.get_by_text("no later than").first).to_be_visible()  # the soft-close cap
    fits(phone, "lot")
    within_screen(phone, "Place bid")
    box = phone.get_by_label("Your maximum bid")
    expect(box).not_to_have_value(re.compile("^0?$"))
    box.fill(str(int(float(box.input_value())) + 250_000))
    phone.get_by_role("button", name="Place bid").click()
    expect(phone.get_by_text("You lead at")).to_be_visible()
    fits(phone, "lot after bidding")


def test_the_polled_board_fits_a_phone_too(phone: Page, app_url: str, app_data_dir: Path) -> None:
    """Where the stream cannot connect (a proxy that buffers it), the page polls and draws the board
    itself, with the history as a table: that board must fit the phone as well."""
    accounts = demo_accounts(phone, app_url)
    sign_in(phone, app_url, *accounts["bidder"])
    phone.route("**/live?*", lambda route: route.abort())
    visit(phone, f"{app_url}/lot?id={a_quiet_live_lot(app_data_dir)}", re.compile(r"^Lot \d+:"))
    expect(phone.get_by_text("Live updates could not connect")).to_be_visible()
    expect(phone.get_by_test_id("stMetric").first).to_be_visible()  # the polled board, drawn by Python
    expect(phone.get_by_text(re.compile("no later than")).first).to_be_visible()
    box = phone.get_by_label("Your maximum bid")
    expect(box).not_to_have_value(re.compile("^0?$"))
    box.fill(str(int(float(box.input_value())) + 300_000))
    phone.get_by_role("button", name="Place bid").click()
    expect(phone.get_by_text("You lead at")).to_be_visible()
    expect(phone.locator("table").filter(has_text="Note")).to_be_visible()  # the polled history table
    fits(phone, "polled lot board")


def test_a_dealer_manages_the_store_on_a_phone(phone: Page, app_url: str) -> None:
    accounts = demo_accounts(phone, app_url)
    sign_in(phone, app_url, *accounts["dealer"])
    for path, title in (("dealer_cars", "My cars"), ("dealer_upload", "Upload cars from Excel"),
                        ("dealer_analytics", "Sales analytics"), ("dealer_store", "My store"),
                        ("dealer_auctions", "My auctions")):
        visit(phone, f"{app_url}/{path}", title)
        fits(phone, path)
    phone.get_by_text("Create an auction").click()
    expect(phone.get_by_role("button", name="Save draft")).to_be_visible()
    fits(phone, "auction form")
    within_screen(phone, "Save draft")


def inject(page: Page, html: str) -> None:
    page.evaluate("""(html) => { const block = document.createElement('div'); block.innerHTML = html;
      document.querySelector('[data-testid="stMainBlockContainer"]').append(block); }""", html)


def test_the_check_sees_a_page_that_scrolls_sideways_or_cuts_off(phone: Page, app_url: str) -> None:
    """The walk's check is only worth its passes if it fails on a too-wide page."""
    visit(phone, app_url, "Sign in")
    inject(phone, '<div style="overflow-x:auto"><table style="width:600px"><tr><td>x</td></tr></table></div>')
    fits(phone, "sign-in page with a table that scrolls inside itself")
    inject(phone, '<div style="overflow:hidden"><p style="width:600px">cut off</p></div>')
    with pytest.raises(AssertionError, match="no way to scroll to it"):
        fits(phone, "sign-in page with a clipped 600 px block")
    inject(phone, '<div style="width:600px">too wide</div>')
    with pytest.raises(AssertionError, match="scrolls sideways"):
        fits(phone, "sign-in page with a 600 px block")
