"""The analytics pages: each role sees its own figures, and nobody else's."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from analytics import background, reader
from analytics.copy import refresh
from data.types import utcnow
from domain.accounts import auth
from domain.accounts.security import read_token
from domain.bidding import service
from domain.bidding.settlement import settle_lot
from domain.types import Role
from tests.app.conftest import page_as, texts
from tests.support.factories import PASSWORD, live_lot, make_admin, make_dealer, make_user
from ui.live_now import LABELS
from ui.session import TOKEN_KEY


@pytest.fixture(autouse=True)
def own_copy(data_dir: Path) -> Path:
    """Each test has its own analytics copy (tests/conftest.py stops the refresher thread after it)."""
    return data_dir


def figures_ready() -> None:
    """What the app's background refresher does: bring the copy up to date and load it."""
    refresh.refresh_once()
    assert reader.preload()


def sell(dealer: object, *maxima: int) -> None:
    """A lot of the dealer's sold at what these bidders' maximums make of it."""
    lot = live_lot(dealer, closes_in=timedelta(minutes=2), buy_now=None)  # type: ignore[arg-type]
    for maximum in maxima:
        service.bid_place(make_user(), lot_id=lot.id, maximum=Decimal(maximum), key=uuid.uuid4().hex)
    settle_lot(lot.id or 0, now=utcnow() + timedelta(minutes=5))


@pytest.fixture
def one_sale() -> tuple:  # type: ignore[type-arg]
    """A dealer's lot sold to a bidder whose maximum was ₹4,50,000."""
    dealer = make_dealer()
    lot = live_lot(dealer, closes_in=timedelta(minutes=2))
    service.bid_place(make_user(), lot_id=lot.id, maximum=Decimal(450000), key=uuid.uuid4().hex)
    settle_lot(lot.id, now=utcnow() + timedelta(minutes=5))
    figures_ready()
    return dealer, lot


# The slow refresh holds for HOLD_S; a page's run may take PAGE_LIMIT_S (AppTest raises past it). A
# page that waited for the refresh could not finish inside its limit: no stopwatch needed, so a busy
# machine cannot fail these tests.
HOLD_S, PAGE_LIMIT_S = 120, 40


def page_run(actor: object, page: str) -> AppTest:
    at = AppTest.from_file(f"../../{page}", default_timeout=PAGE_LIMIT_S)
    at.session_state[TOKEN_KEY] = auth.user_login(email=actor.email, password=PASSWORD,  # type: ignore[attr-defined]
                                                  address="127.0.0.1").token
    at.run()
    return at


@pytest.fixture
def slow_refresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """A refresh (and a load) that takes until the test lets go: a copy of ten million bids."""
    release = threading.Event()
    real_refresh, real_load = refresh.refresh_once, reader.MemoryCopy

    def slow_refresh_once(**kwargs: object) -> refresh.RefreshReport:
        release.wait(HOLD_S)
        return real_refresh(**kwargs)  # type: ignore[arg-type]

    def slow_load(*args: object) -> object:
        release.wait(HOLD_S)
        return real_load(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(refresh, "refresh_once", slow_refresh_once)
    monkeypatch.setattr(reader, "MemoryCopy", slow_load)
    yield release
    release.set()


@pytest.mark.parametrize("page", ["pages/dealer_analytics.py", "pages/admin_metrics.py"])
def test_a_stale_copy_shows_at_once_with_its_age(page: str, one_sale: tuple,  # type: ignore[type-arg]
                                                 slow_refresh: threading.Event) -> None:
    dealer, _ = one_sale
    sell(dealer, 500_000)  # the copy is now behind the store, and a refresh would take long
    viewer = dealer if "dealer" in page else make_admin()
    at = page_run(viewer, page)
    assert not at.exception
    assert "s ago" in texts(at) and at.metric  # the last copy's figures, and how old they are


@pytest.mark.parametrize("page", ["pages/dealer_analytics.py", "pages/admin_metrics.py"])
def test_a_process_without_a_copy_says_it_is_preparing(page: str, slow_refresh: threading.Event) -> None:
    viewer = make_dealer() if "dealer" in page else make_admin()
    at = page_run(viewer, page)
    assert not at.exception
    assert "Preparing the figures, ready in a few seconds" in texts(at)
    from_store = {"Last good backup", "WAL archive lag", *LABELS.values()}  # not from the copy
    assert not [m for m in at.metric if m.label not in from_store]


def test_money_metrics_fit_and_show_the_full_value_on_hover() -> None:
    dealer = make_dealer()
    sell(dealer, 21_980_000, 21_990_000)  # the price rises to the second maximum: ₹2,19,90,000
    figures_ready()
    at = page_as(dealer, "pages/dealer_analytics.py")
    assert not at.exception
    earnings = next(m for m in at.metric if m.label == "Your earnings")
    assert earnings.value == "₹2.2 Cr" and earnings.help == "₹2,19,90,000"
    assert all(len(m.value) <= 9 for m in at.metric), [m.value for m in at.metric]


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
    assert metrics["Gross sales (hammer)"] == "₹4 L" and metrics["Your earnings"] == "₹4 L"
    assert metrics["Lots offered"] == "1"
    assert at.get("plotly_chart")


def test_another_dealer_sees_none_of_it(one_sale: tuple) -> None:  # type: ignore[type-arg]
    other = make_dealer()
    figures_ready()
    at = page_as(other, "pages/dealer_analytics.py")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics.get("Lots offered", "0") == "0"


def test_admin_sees_platform_metrics_and_settlement_health(one_sale: tuple) -> None:  # type: ignore[type-arg]
    at = page_as(make_admin(), "pages/admin_metrics.py")
    assert not at.exception
    assert "Settlement is healthy" in texts(at)
    assert {m.label for m in at.metric} >= {"Gross merchandise value", "Platform revenue", "Live lots"}


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
    figures_ready()
    at = page_as(dealer, "pages/dealer_analytics.py")
    assert not at.exception
    (sell_through,) = [m for m in at.metric if m.label == "Sell-through"]
    assert sell_through.value == "—" and "No closed lots yet" in sell_through.proto.help


def test_sell_through_is_over_closed_lots(one_sale: tuple, data_dir: Path) -> None:  # type: ignore[type-arg]
    dealer, _ = one_sale
    live_lot(dealer, closes_in=timedelta(minutes=3))  # a second lot, still live: it is not unsold
    figures_ready()
    at = page_as(dealer, "pages/dealer_analytics.py")
    assert {m.label: m.value for m in at.metric}["Sell-through"] == "100%"


@pytest.mark.parametrize("page", ["pages/dealer_analytics.py", "pages/admin_metrics.py"])
def test_tables_show_human_column_names(page: str, one_sale: tuple) -> None:  # type: ignore[type-arg]
    dealer, _ = one_sale
    at = page_as(dealer if "dealer" in page else make_admin(), page)
    assert not at.exception and at.dataframe
    for table in at.dataframe:
        config = json.loads(table.proto.columns)
        labels = [config.get(name, {}).get("label", name) for name in table.value.columns]
        assert all("_" not in label and label[0].isupper() for label in labels), labels
    if "admin" in page:
        assert "Active in the last 30 days" in json.dumps(json.loads(at.dataframe[0].proto.columns))
    else:  # money cells read as everywhere else in the app, times as dates
        cells = at.dataframe[0].proto.arrow_data.styler.display_values
        earnings = pa.ipc.open_stream(cells).read_all().to_pylist()
        assert earnings[0]["earnings"] == "₹4,00,000" and ":" not in earnings[0]["period_start"]


def test_a_report_asked_for_while_preparing_starts_once_ready(slow_refresh: threading.Event) -> None:
    analyst = make_user(Role.ANALYST)
    at = page_as(analyst, "pages/analyst_exports.py")
    at.button(key="report_go").click()
    at.run()
    assert not at.exception and "Preparing the figures" in texts(at) and not at.get("link_button")
    background.start()  # what the server's start does (ui/http.py): the page itself starts nothing
    slow_refresh.set()  # the background refresher builds and loads the copy
    deadline = time.monotonic() + 30
    while reader.loaded() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    at.run()  # what the page's waiting fragment does once the figures are ready
    assert not at.exception and at.get("link_button"), texts(at)


@pytest.fixture
def refresh_forbidden(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way to refresh or load the copy, recording who called it: a page read must call none."""
    calls: list[str] = []

    def forbidden(name: str) -> object:
        def called(*args: object, **kwargs: object) -> None:
            calls.append(name)
            raise AssertionError(f"a page read called {name}")
        return called

    for module, name in [(refresh, "refresh_once"), (refresh, "rebuild"), (background, "round_once"),
                         (background, "start"), (reader, "preload")]:
        monkeypatch.setattr(module, name, forbidden(f"{module.__name__}.{name}"))
    return calls


@pytest.mark.parametrize("page", ["pages/dealer_analytics.py", "pages/admin_metrics.py",
                                  "pages/analyst_exports.py"])
def test_a_page_read_never_refreshes_the_copy(page: str, one_sale: tuple,  # type: ignore[type-arg]
                                              refresh_forbidden: list[str]) -> None:
    dealer, _ = one_sale
    sell(dealer, 500_000)  # the copy is now behind the store: a read that refreshed would show it
    viewer = dealer if "dealer" in page else make_admin() if "admin" in page else make_user(Role.ANALYST)
    at = page_run(viewer, page)
    if "analyst" in page:
        at.button(key="report_go").click().run()
    assert not at.exception and not refresh_forbidden, refresh_forbidden
    if "dealer" in page:  # the one sale of the copy, not the two of the store
        assert {m.label: m.value for m in at.metric}["Lots offered"] == "1"


def test_the_apps_background_refresher_brings_a_new_sale_to_the_dashboard(
        one_sale: tuple) -> None:  # type: ignore[type-arg]
    dealer, _ = one_sale
    sell(dealer, 500_000)
    assert lots_offered(dealer) == "1"  # the page alone never brings it
    background.start()  # what the server's start does (ui/http.py prepare_on_start)
    deadline = time.monotonic() + 60
    while lots_offered(dealer) == "1" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert lots_offered(dealer) == "2"


def lots_offered(dealer: object) -> str:
    return {m.label: m.value for m in page_as(dealer, "pages/dealer_analytics.py").metric}["Lots offered"]
