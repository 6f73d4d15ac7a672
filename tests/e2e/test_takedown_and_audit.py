"""An admin in a real browser takes down a live lot from its page, then finds the takedown in the audit
log with the lot before and after, and opens the lot from there."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import a_live_lot, demo_accounts, sign_in

pytestmark = pytest.mark.e2e


def test_an_admin_takes_down_a_lot_and_reads_it_in_the_audit_log(page: Page, app_url: str,
                                                                  app_data_dir: Path) -> None:
    sign_in(page, app_url, *demo_accounts(page, app_url)["admin"])
    lot_id = a_live_lot(app_data_dir)
    page.goto(f"{app_url}/lot?id={lot_id}")
    page.get_by_text("Take down this lot (admin)").click()
    page.get_by_label("Reason (shown to everyone told)").fill("Browser drill: disputed papers")
    page.get_by_role("button", name="Take down lot").click()
    expect(page.get_by_text("Taken down by an admin").first).to_be_visible()

    # By the entity link, as the viewer's own links go: a typed filter reruns the page, and an entry
    # opened before that rerun lands is drawn closed again.
    page.goto(f"{app_url}/admin_audit?entity=lots&entity_id={lot_id}")
    entry = page.get_by_text(f"lot_takedown · lots {lot_id}")
    expect(entry).to_be_visible()
    entry.click()
    opened = page.get_by_test_id("stExpander").filter(has=entry)  # the lot's other entries stay closed
    expect(opened.get_by_text("Before", exact=True)).to_be_visible()
    expect(opened.get_by_text("Browser drill: disputed papers").first).to_be_visible()
    # Followed by its address: a click can land while the opened entry redraws, and is then lost.
    link = page.get_by_role("link", name=f"Open lot #{lot_id}")
    expect(link).to_have_attribute("href", re.compile(rf"(^|/)lot\?id={lot_id}$"))
    page.goto(urljoin(page.url, link.get_attribute("href") or ""))
    expect(page).to_have_url(f"{app_url}/lot?id={lot_id}")
    expect(page.get_by_text("Taken down by an admin").first).to_be_visible()
