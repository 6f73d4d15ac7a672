"""The pushed lot board in two real browsers: B bids and A's board shows it within a second, without
A's page asking the server for a single rerun while it only watches; A's countdown is right even with
A's clock an hour wrong."""

from __future__ import annotations

import re
import sqlite3
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, WebSocket, expect

from tests.e2e.conftest import app_server, demo_accounts, sign_in
from tests.e2e.test_live_board import a_live_lot

pytestmark = pytest.mark.e2e


def frames_sent(page: Page) -> list[str]:
    """Every websocket frame the page sends to Streamlit's server (a rerun request is one)."""
    sent: list[str] = []

    def watch(socket: WebSocket) -> None:
        socket.on("framesent", lambda payload: sent.append(str(payload)[:40]))

    page.on("websocket", watch)
    return sent


def test_a_bid_is_pushed_to_another_watcher_within_a_second(page: Page, second_page: Page, app_url: str,
                                                            app_data_dir: Path) -> None:
    accounts = demo_accounts(page, app_url)
    lot_id = a_live_lot(app_data_dir)
    sent = frames_sent(page)
    sign_in(page, app_url, *accounts["bidder"])
    page.goto(f"{app_url}/lot?id={lot_id}")
    board = page.get_by_test_id("live-board")
    expect(board.get_by_text("Live", exact=True)).to_be_visible()

    sign_in(second_page, app_url, *accounts["admin"])
    second_page.goto(f"{app_url}/lot?id={lot_id}")
    bid_box = second_page.get_by_label("Your maximum bid")
    expect(bid_box).to_be_visible()
    minimum = int(float(bid_box.input_value()))
    sent.clear()
    bid_box.fill(str(minimum + 7000))
    second_page.get_by_role("button", name="Place bid").click()
    expect(second_page.get_by_text(re.compile("You lead at|You have been outbid"))).to_be_visible()
    bidders_board = second_page.get_by_test_id("live-board")
    expect(bidders_board.locator("[data-f='leader']")).to_have_text(re.compile("you|Bidder"))
    price = bidders_board.locator("[data-f='price']").inner_text()
    expect(board.locator("[data-f='price']")).to_have_text(price, timeout=1_000)
    expect(board.locator("[data-f='leader']")).to_have_text(re.compile(r"Bidder [0-9A-F]{4}"))
    # A may bid, so its form follows the higher lowest bid: one rerun, asked for by the pushed board.
    notes = board.locator("[data-f='notes']")
    expect(notes).to_contain_text("lowest next bid")
    lowest = re.search(r"lowest next bid (₹[\d,.]+)", notes.inner_text())
    assert lowest, notes.inner_text()
    expect(page.get_by_text(f"Lowest bid now {lowest.group(1)}")).to_be_visible()

    sent.clear()
    time.sleep(10)  # nothing happens: the watching page must not ask for a rerun
    assert sent == [], f"A's page sent {len(sent)} websocket frames while only watching"


def test_the_countdown_is_right_with_the_browsers_clock_an_hour_wrong(browser: Browser, app_url: str,
                                                                      app_data_dir: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.clock.install(time=datetime.now() + timedelta(hours=1))  # this machine's clock runs an hour fast
    accounts = demo_accounts(page, app_url)
    lot_id = a_live_lot(app_data_dir)
    sign_in(page, app_url, *accounts["bidder"])
    page.goto(f"{app_url}/lot?id={lot_id}")
    board = page.get_by_test_id("live-board")
    expect(board.get_by_text("Live", exact=True)).to_be_visible()
    shown = board.locator("[data-f='countdown']").inner_text()
    expected = (ends_at(app_data_dir, lot_id) - datetime.now(UTC)).total_seconds()
    assert abs(seconds(shown) - expected) < 5, (shown, expected)  # not an hour off
    context.close()


def ends_at(data_dir: Path, lot_id: int) -> datetime:
    with sqlite3.connect(data_dir / "auction.db") as db:
        (value,) = db.execute("SELECT ends_at FROM lots WHERE id = ?", (lot_id,)).fetchone()
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def seconds(countdown: str) -> int:
    parts = {unit: int(number) for number, unit in re.findall(r"(\d+)([hms])", countdown)}
    assert parts, countdown
    return parts.get("h", 0) * 3600 + parts.get("m", 0) * 60 + parts.get("s", 0)


def place_bid(page: Page, above_minimum: int) -> None:
    bid_box = page.get_by_label("Your maximum bid")
    expect(bid_box).to_be_visible()
    bid_box.fill(str(int(float(bid_box.input_value())) + above_minimum))
    page.get_by_role("button", name="Place bid").click()
    expect(page.get_by_text(re.compile("You lead at|You have been outbid|Tick the box"))).to_be_visible()
    if page.get_by_text(re.compile("Tick the box")).is_visible():  # a large bid asks for a second look
        page.get_by_text("I confirm this amount").click()
        page.get_by_role("button", name="Place bid").click()
        expect(page.get_by_text(re.compile("You lead at|You have been outbid"))).to_be_visible()


def test_the_outbid_leader_gets_a_toast_without_doing_anything(page: Page, second_page: Page, app_url: str,
                                                               app_data_dir: Path) -> None:
    accounts = demo_accounts(page, app_url)
    lot_id = a_live_lot(app_data_dir)
    sign_in(page, app_url, *accounts["bidder"])
    page.goto(f"{app_url}/lot?id={lot_id}")
    place_bid(page, 300_000)  # above any demo bidder's hidden maximum
    board = page.get_by_test_id("live-board")
    expect(board.locator("[data-f='leader']")).to_have_text("you")
    expect(board.get_by_text("Live", exact=True)).to_be_visible()

    sign_in(second_page, app_url, *accounts["admin"])
    second_page.goto(f"{app_url}/lot?id={lot_id}")
    place_bid(second_page, 600_000)
    expect(page.get_by_test_id("live-alert").filter(has_text="You were outbid on the")).to_be_visible(
        timeout=5_000)
    expect(board.locator("[data-f='leader']")).to_have_text(re.compile(r"Bidder [0-9A-F]{4}"))


def test_a_server_with_open_live_boards_stops_at_once(page: Page, app_url: str, app_data_dir: Path,
                                                      tmp_path: Path) -> None:
    """A stream never ends on its own, and the server waits for open connections before it stops: a
    stop (SIGTERM, as a supervisor or ops.down sends it) must end the streams first."""
    sign_in(page, app_url, *demo_accounts(page, app_url)["bidder"])  # the cookie reaches the other port
    lot_id = a_live_lot(app_data_dir)
    with ExitStack() as running:
        url = running.enter_context(app_server(app_data_dir, tmp_path / "stopping.log"))
        page.goto(f"{url}/lot?id={lot_id}")
        live = page.get_by_test_id("live-board").get_by_text("Live", exact=True)
        expect(live).to_be_visible()
        began = time.monotonic()
    assert time.monotonic() - began < 10, "the server waited on the open live stream"


def test_an_outbid_toast_reaches_the_leader_on_another_page(page: Page, second_page: Page, app_url: str,
                                                            app_data_dir: Path) -> None:
    accounts = demo_accounts(page, app_url)
    lot_id = a_live_lot(app_data_dir, nth=1)  # its own lot: it bids high
    sign_in(page, app_url, *accounts["bidder"])
    page.goto(f"{app_url}/lot?id={lot_id}")
    place_bid(page, 3_000_000)  # above every earlier test's maximums on this lot
    page.goto(f"{app_url}/auctions")  # A leaves the lot: only the frame's alerts stream is open
    expect(page.get_by_role("heading", name="Auctions")).to_be_visible()
    before = page.get_by_role("link", name=re.compile("Notifications")).inner_text()
    time.sleep(1.5)  # the alerts stream connects

    sign_in(second_page, app_url, *accounts["admin"])
    second_page.goto(f"{app_url}/lot?id={lot_id}")
    place_bid(second_page, 6_000_000)
    alert = page.get_by_test_id("live-alert").filter(has_text="You were outbid on the")
    expect(alert).to_be_visible(timeout=5_000)
    expect(page.get_by_role("link", name=re.compile("Notifications"))).not_to_have_text(before, timeout=5_000)


def test_an_auction_pages_cards_show_a_bid_within_a_second(page: Page, second_page: Page, app_url: str,
                                                           app_data_dir: Path) -> None:
    accounts = demo_accounts(page, app_url)
    lot_id = a_live_lot(app_data_dir, nth=2)  # its own lot: it bids high
    with sqlite3.connect(app_data_dir / "auction.db") as db:
        (auction_id,) = db.execute("SELECT auction_id FROM lots WHERE id = ?", (lot_id,)).fetchone()
    sign_in(page, app_url, *accounts["bidder"])
    page.goto(f"{app_url}/auction?id={auction_id}")
    card = page.locator(f".lot-ticker[data-lot='{lot_id}']")
    expect(card.locator("[data-f='countdown']")).to_have_text(re.compile(r"closes in (\d+h )?\d+m \d\ds"))
    first = card.locator("[data-f='countdown']").inner_text()
    expect(card.locator("[data-f='countdown']")).not_to_have_text(first, timeout=3_000)  # it ticks

    sign_in(second_page, app_url, *accounts["admin"])
    second_page.goto(f"{app_url}/lot?id={lot_id}")
    place_bid(second_page, 9_000_000)
    bidders_board = second_page.get_by_test_id("live-board")
    expect(bidders_board.locator("[data-f='leader']")).to_have_text("you")
    price = bidders_board.locator("[data-f='price']").inner_text()
    expect(card.locator("[data-f='price']")).to_have_text(price, timeout=1_000)
