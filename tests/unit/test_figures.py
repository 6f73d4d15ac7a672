"""Charts speak the app's language: dates at the bucket's size, money in lakh and crore with ₹."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest

from analytics import figures
from data.settings import get_settings
from domain.formatting import money, money_short, period_label


def weekly_earnings() -> pd.DataFrame:
    starts = pd.to_datetime(["2026-09-28", "2026-10-05", "2026-10-12"])  # Mondays, local (naive)
    return pd.DataFrame({"period_start": starts, "sales": [1, 3, 2],
                         "earnings": [450_000.0, 2_199_000.0, 1_230_000.0]})


def test_weekly_bars_are_named_by_their_week_with_no_time_of_day() -> None:
    fig = figures.earnings_over_time(weekly_earnings(), period="week")
    assert list(fig.layout.xaxis.ticktext) == ["Week of 28 Sep", "Week of 5 Oct", "Week of 12 Oct"]
    assert not any(":" in label for label in fig.layout.xaxis.ticktext)


def test_money_axis_is_in_lakh_and_crore_and_hover_has_the_full_value() -> None:
    fig = figures.earnings_over_time(weekly_earnings(), period="week")
    labels = list(fig.layout.yaxis.ticktext)
    assert labels[0] == "₹0" and all(label.startswith("₹") for label in labels)
    assert "₹20 L" in labels and not any(label.endswith(("M", "k")) for label in labels)
    hovers = [row[0] for row in fig.data[0].customdata]
    assert "Week of 5 Oct 2026<br>Earnings ₹21,99,000 · 3 sold" in hovers


def test_crore_ticks_and_a_daily_axis_over_many_days_keeps_few_labels() -> None:
    ticks, labels = figures.money_ticks(pd.Series([0.0, 12_300_000.0]))
    assert "₹1 Cr" in labels and ticks[-1] >= 12_300_000
    days = pd.Series(pd.date_range("2026-01-01", periods=90, freq="D"))
    shown, names = figures.period_ticks(days, "day")
    assert len(shown) <= figures.MAX_TICKS and names[0] == "1 Jan"


def test_monthly_registrations_read_as_months() -> None:
    frame = pd.DataFrame({"period_start": pd.to_datetime(["2026-09-01", "2026-10-01"]),
                          "registrations": [12, 30]})
    fig = figures.registrations(frame, period="month")
    assert list(fig.layout.xaxis.ticktext) == ["Sep 2026", "Oct 2026"]


def test_times_are_drawn_on_the_viewers_clock() -> None:
    frame = pd.DataFrame({"placed_at": pd.to_datetime(["2026-10-11T20:00:00Z"]), "price": [300_000.0]})
    fig = figures.price_curve(frame, zone="Asia/Kolkata")
    assert pd.Timestamp(fig.data[0].x[0]) == pd.Timestamp("2026-10-12 01:30")
    assert fig.data[0].customdata[0][0] == "₹3,00,000"


@pytest.mark.parametrize(("amount", "short"), [
    (21_990_000, "₹2.2 Cr"), (2_000_000, "₹20 L"), (450_000, "₹4.5 L"), (9_995_000, "₹1 Cr"),
    (45_000, "₹45,000"), (0, "₹0"), (-2_500_000, "-₹25 L"), (12_345_678_900, "₹1,235 Cr"),
])
def test_compact_indian_money(amount: int, short: str) -> None:
    assert money_short(amount) == short


def test_period_labels() -> None:
    monday = datetime(2026, 10, 12)
    assert period_label(monday, "day") == "12 Oct"
    assert period_label(monday, "week", with_year=True) == "Week of 12 Oct 2026"
    assert period_label(monday, "month") == "Oct 2026"


def test_money_spells_equal_amounts_alike_in_each_currency(monkeypatch: pytest.MonkeyPatch) -> None:
    """`money` is cached by amount and currency: equal amounts are one key, currencies are not."""
    assert money(350000) == money(Decimal("350000")) == money(Decimal("350000.00")) == "₹3,50,000"
    assert money(Decimal("1.5")) == money(Decimal("1.50")) == "₹1.50"
    monkeypatch.setenv("CURRENCY", "USD")
    get_settings.cache_clear()
    try:
        assert money(Decimal("350000")) == "$350,000"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert money(Decimal("350000")) == "₹3,50,000"
