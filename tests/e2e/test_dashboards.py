"""The demo dealer's dashboard in a real browser: a first number at once, a year of figures, and
axes in the app's language (calendar weeks, lakh and crore)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import demo_accounts, sign_in

pytestmark = pytest.mark.e2e


def test_dealer_dashboard_answers_at_once_with_readable_axes(page: Page, app_url: str) -> None:
    sign_in(page, app_url, *demo_accounts(page, app_url)["dealer"])
    began = time.monotonic()
    page.goto(f"{app_url}/dealer_analytics")
    first = page.get_by_text("Figures as of").or_(page.get_by_text("Preparing the figures"))
    expect(first.first).to_be_visible(timeout=30_000)
    answered = time.monotonic() - began
    expect(page.get_by_text("Figures as of")).to_be_visible(timeout=60_000)  # the background load is done
    earnings = page.locator(".plot-container").first  # the first chart: earnings by week
    expect(earnings.locator(".xtick text", has_text="Week of").first).to_be_visible(timeout=30_000)
    expect(earnings.locator(".ytick text", has_text=re.compile(r"^₹[\d.,]+ (L|Cr)$")).first).to_be_visible()
    x_labels = earnings.locator(".xtick text").all_text_contents()
    assert not any(":" in label for label in x_labels), x_labels
    assert answered < 8, f"the first answer took {answered:.1f} s"
