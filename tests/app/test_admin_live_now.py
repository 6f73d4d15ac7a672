"""The admin's live now on the platform metrics page (drawn by Python here: AppTest has no browser to
open the stream; tests/integration/test_live_now.py pushes it, tests/e2e/test_live_now.py watches it)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from data.live_presence import EXPIRY, presence_report
from data.types import utcnow
from domain.bidding import service
from tests.app.conftest import page_as
from tests.support.factories import live_lot, make_admin, make_user
from ui.live_now import LABELS


def figures_on(page_metrics: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {m.label: m.value for m in page_metrics if m.label in LABELS.values()}


def test_the_admin_sees_live_lots_bids_in_the_last_minute_and_watchers(data_dir: Path) -> None:
    lot = live_lot()
    live_lot(closes_in=timedelta(minutes=30))
    service.bid_place(make_user(), lot_id=lot.id, maximum=Decimal(350000), key=uuid.uuid4().hex)
    presence_report("one-process", 3, utcnow())  # tabs watching lots, as each server process reports
    presence_report("another", 2, utcnow())
    presence_report("stopped-long-ago", 9, utcnow() - EXPIRY - timedelta(seconds=1))
    at = page_as(make_admin(), "pages/admin_metrics.py")
    assert not at.exception
    assert "Live now" in [s.value for s in at.subheader]
    assert figures_on(at.metric) == {"Live auctions": "2", "Live lots": "2", "Bids in the last minute": "1",
                                     "Watching now": "5"}
    watching = next(m for m in at.metric if m.label == "Watching now")
    assert "every server process" in str(watching.help)


def test_a_quiet_platform_shows_zeros(data_dir: Path) -> None:
    at = page_as(make_admin(), "pages/admin_metrics.py")
    assert not at.exception
    assert figures_on(at.metric) == dict.fromkeys(LABELS.values(), "0")
