"""Live bidding in two real browsers: one person bids, the other's board updates by itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import a_live_lot, demo_accounts, sign_in

pytestmark = pytest.mark.e2e


def test_a_bid_shows_up_on_another_watchers_board(page: Page, second_page: Page, app_url: str,
                                                  app_data_dir: Path) -> None:
    accounts = demo_accounts(page, app_url)
    lot_id = a_live_lot(app_data_dir)
    sign_in(page, app_url, *accounts["bidder"])
    page.goto(f"{app_url}/lot?id={lot_id}")
    expect(page.get_by_text("Current price")).to_be_visible()

    sign_in(second_page, app_url, *accounts["admin"])
    second_page.goto(f"{app_url}/lot?id={lot_id}")
    expect(second_page.get_by_text("Current price")).to_be_visible()
    bid_box = second_page.get_by_label("Your maximum bid")
    minimum = int(float(bid_box.input_value()))
    bid_box.fill(str(minimum + 7000))
    second_page.get_by_role("button", name="Place bid").click()
    expect(second_page.get_by_text(re.compile("You lead at|You have been outbid"))).to_be_visible()

    # The watcher did nothing: the board is pushed to it (ui/live_board.py).
    expect(page.get_by_text(re.compile(r"Bidder [0-9A-F]{4}")).first).to_be_visible()
    history = page.get_by_test_id("live-board").locator("[data-f='last'] tbody tr").first
    expect(history).to_be_visible()
