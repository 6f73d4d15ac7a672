"""The analytics pages: each role sees its own figures, and nobody else's."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from data.types import utcnow
from domain.bidding import service
from domain.bidding.settlement import settle_lot
from domain.security import read_token
from domain.types import Role
from tests.app.conftest import page_as, texts
from tests.support.factories import live_lot, make_admin, make_dealer, make_user


@pytest.fixture
def one_sale() -> tuple:  # type: ignore[type-arg]
    """A dealer's lot sold to a bidder whose maximum was ₹4,50,000."""
    dealer = make_dealer()
    lot = live_lot(dealer, closes_in=timedelta(minutes=2))
    service.bid_place(make_user(), lot_id=lot.id, maximum=Decimal(450000), key=uuid.uuid4().hex)
    settle_lot(lot.id, now=utcnow() + timedelta(minutes=5))
    return dealer, lot


@pytest.mark.parametrize("page", ["pages/dealer_analytics.py", "pages/admin_metrics.py",
                                  "pages/analyst_exports.py"])
def test_bidders_cannot_reach_analytics(page: str) -> None:
    at = page_as(make_user(), page)
    assert not at.exception and "does not have access" in texts(at)


def test_dealer_sees_their_own_sales(one_sale: tuple) -> None:  # type: ignore[type-arg]
    dealer, _ = one_sale
    at = page_as(dealer, "pages/dealer_analytics.py")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    # ₹4,50,000 maximum against a ₹4,00,000 reserve: the price is lifted to the reserve, and sells there
    assert metrics["Gross sales (hammer)"] == "₹4,00,000" and metrics["Your earnings"] == "₹4,00,000"
    assert metrics["Lots offered"] == "1"
    assert at.get("plotly_chart")


def test_another_dealer_sees_none_of_it(one_sale: tuple) -> None:  # type: ignore[type-arg]
    at = page_as(make_dealer(), "pages/dealer_analytics.py")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics.get("Lots offered", "0") == "0"


def test_admin_sees_platform_metrics_and_settlement_health(one_sale: tuple) -> None:  # type: ignore[type-arg]
    at = page_as(make_admin(), "pages/admin_metrics.py")
    assert not at.exception
    assert "Settlement is healthy" in texts(at)
    assert {m.label for m in at.metric} >= {"Gross merchandise value", "Platform revenue", "Live now"}


def test_analyst_prepares_a_report(one_sale: tuple) -> None:  # type: ignore[type-arg]
    analyst = make_user(Role.ANALYST)
    at = page_as(analyst, "pages/analyst_exports.py")
    assert not at.exception
    at.button(key="report_go").click()
    at.run()
    assert not at.exception and not at.error
    (link,) = at.get("link_button")
    ticket = link.proto.url.removeprefix("/downloads?ticket=")
    assert link.proto.url.startswith("/downloads?ticket=") and ticket
    assert read_token(ticket, purpose="download").user_id == analyst.id


def test_a_new_dealer_sees_no_sell_through_yet(data_dir: Path) -> None:
    """A dealer whose only lot is still live has no closed lot: no 'nan%', no 0 %."""
    dealer = make_dealer()
    live_lot(dealer, closes_in=timedelta(minutes=3))
    at = page_as(dealer, "pages/dealer_analytics.py")
    assert not at.exception
    (sell_through,) = [m for m in at.metric if m.label == "Sell-through"]
    assert sell_through.value == "—" and "No closed lots yet" in sell_through.proto.help


def test_sell_through_is_over_closed_lots(one_sale: tuple, data_dir: Path) -> None:  # type: ignore[type-arg]
    dealer, _ = one_sale
    live_lot(dealer, closes_in=timedelta(minutes=3))  # a second lot, still live: it is not unsold
    at = page_as(dealer, "pages/dealer_analytics.py")
    assert {m.label: m.value for m in at.metric}["Sell-through"] == "100%"
