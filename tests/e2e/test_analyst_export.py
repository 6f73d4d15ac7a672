"""An analyst's export in a real browser: prepare a report, fetch it through the app's streaming route
with the browser's own (HttpOnly) session cookie; the link works once and for nobody else."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import demo_accounts, sign_in

pytestmark = pytest.mark.e2e


def test_analyst_downloads_a_report_once(page: Page, browser: Browser, app_url: str) -> None:
    sign_in(page, app_url, *demo_accounts(page, app_url)["analyst"])
    page.goto(f"{app_url}/analyst_exports")
    page.get_by_role("button", name="Prepare report").click()
    link = page.get_by_role("link", name="Download Sales by lot")
    expect(link).to_be_visible(timeout=60_000)
    href = link.get_attribute("href")
    assert href and href.startswith("/downloads?ticket=")

    stranger = browser.new_context()  # no session cookie: the ticket alone is not enough
    try:
        assert stranger.request.get(f"{app_url}{href}").status == 401
    finally:
        stranger.close()

    first = page.context.request.get(f"{app_url}{href}")  # the browser's cookies go with it
    assert first.status == 200
    assert 'filename="sales.csv"' in first.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(first.text())))
    assert rows and "hammer" in rows[0]  # the demo marketplace has sales
    assert page.context.request.get(f"{app_url}{href}").status == 404
