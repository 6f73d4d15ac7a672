"""Shared links in a real browser: the first request a server gets may be a deep link (right after a
restart), and the person opening it may be signed out."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import a_live_lot, demo_accounts, sign_in

pytestmark = pytest.mark.e2e


def test_a_deep_link_to_a_fresh_server_runs_inside_the_frame(page: Page, app_url: str, fresh_app_url: str,
                                                             app_data_dir: Path) -> None:
    sign_in(page, app_url, *demo_accounts(page, app_url)["bidder"])  # the cookie also reaches fresh_app_url
    lot_id = a_live_lot(app_data_dir)

    page.goto(f"{fresh_app_url}/lot?id={lot_id}")  # nobody has opened `/` of this server yet
    expect(page.get_by_text("Current price")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible()
    expect(sidebar.get_by_role("link", name="My bids")).to_be_visible()
    for admin_page in ("admin users", "Users", "Platform metrics", "admin metrics", "Reports"):
        expect(sidebar.get_by_role("link", name=admin_page, exact=True)).to_have_count(0)


def test_a_signed_out_deep_link_signs_in_then_returns_to_the_lot(page: Page, second_page: Page, app_url: str,
                                                                 app_data_dir: Path) -> None:
    email, password = demo_accounts(second_page, app_url)["bidder"]
    lot_id = a_live_lot(app_data_dir)

    page.goto(f"{app_url}/lot?id={lot_id}")
    expect(page.get_by_text("Sign in to AutoGavel")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Current price")).to_be_visible()
    expect(page).to_have_url(f"{app_url}/lot?id={lot_id}")
