"""A dealer's afternoon in a real browser: upload a workbook of cars, then build an auction from them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import demo_accounts, sign_in
from tests.support.workbooks import cars_workbook, valid_cars

pytestmark = pytest.mark.e2e
TITLE = "Browser test Diwali sale"


def test_dealer_uploads_a_workbook_and_creates_an_auction_from_it(
        page: Page, app_url: str, app_data_dir: Path, tmp_path: Path) -> None:
    cars = valid_cars(3, seed=9_001)
    workbook = tmp_path / "stock.xlsx"
    workbook.write_bytes(cars_workbook(cars))
    sign_in(page, app_url, *demo_accounts(page, app_url)["dealer"])

    page.goto(f"{app_url}/dealer_upload")
    page.locator("input[type='file']").set_input_files(str(workbook))
    expect(page.get_by_text("All 3 rows are valid.")).to_be_visible()
    page.get_by_role("button", name="Import 3 cars").click()
    expect(page.get_by_text("Imported 3 cars into your store.")).to_be_visible()

    page.goto(f"{app_url}/dealer_auctions")
    page.get_by_text("Create an auction").click()
    picker = page.get_by_role("combobox", name="Cars to offer (one lot each)")
    for car in cars:
        picker.click()
        picker.fill(car["vin"])
        page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Starting price for lots left blank below").fill("250000")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    with sqlite3.connect(app_data_dir / "auction.db") as db:
        vins = {row[0] for row in db.execute(
            "SELECT cars.vin FROM lots JOIN cars ON cars.id = lots.car_id "
            "JOIN auctions ON auctions.id = lots.auction_id WHERE auctions.title = ?", (TITLE,))}
    assert vins == {car["vin"] for car in cars}
