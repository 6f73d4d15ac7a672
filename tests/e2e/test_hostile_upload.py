"""Hostile and oversize workbooks in a real browser against `streamlit run`: the page answers in
words within seconds, and the server keeps serving."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import demo_accounts, sign_in
from tests.support.workbooks import cars_workbook, changed, shared_string_bomb, valid_cars

pytestmark = pytest.mark.e2e
SECONDS = 15_000  # ms; the unchecked bomb held the server for 89 s


def test_a_bomb_an_oversize_file_and_a_bad_row_are_each_explained_in_words(
        page: Page, app_url: str, tmp_path: Path) -> None:
    files = {"bomb.xlsx": shared_string_bomb(), "big.xlsx": b"PK\x03\x04" + bytes(6 * 2**20),
             "bad.xlsx": cars_workbook(changed(valid_cars(4, seed=9_100), 2, year=1))}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    sign_in(page, app_url, *demo_accounts(page, app_url)["dealer"])
    page.goto(f"{app_url}/dealer_upload")
    upload = page.locator("input[type='file']")

    upload.set_input_files(str(tmp_path / "bomb.xlsx"))
    expect(page.get_by_text("This file is too complex")).to_be_visible(timeout=SECONDS)

    upload.set_input_files(str(tmp_path / "big.xlsx"))
    expect(page.get_by_text("the limit is 5 MB")).to_be_visible(timeout=SECONDS)

    upload.set_input_files(str(tmp_path / "bad.xlsx"))
    expect(page.get_by_text("1 of 4 rows have problems")).to_be_visible(timeout=SECONDS)
    button = page.get_by_role("button", name="Import (every row must be valid first)")
    expect(button).to_be_disabled()
    expect(page.get_by_role("button", name="Import 4 cars")).to_have_count(0)
