"""Money and times as the user reads them: the currency's symbol and grouping, their time zone."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_compact_currency, format_decimal

from data.settings import get_settings
from domain.formatting import LOCALES, money  # one money format for domain messages and pages

__all__ = ["LOCALES", "MARKDOWN_SPECIALS", "local_time", "md_escape", "money", "money_short"]

LAKH, CRORE = Decimal(100_000), Decimal(10_000_000)


def money_short(amount: Decimal | float | int | None) -> str:
    """Money that fits a tile or a tick: ₹45,000, ₹4.5 L, ₹2.2 Cr (the full value goes beside it)."""
    if amount is None:
        return "—"
    code, value = get_settings().currency, Decimal(str(amount))
    if code != "INR":
        return str(format_compact_currency(value, code, locale=LOCALES[code], fraction_digits=1))
    sign, size = ("-" if value < 0 else ""), abs(value)
    lakhs = round(size / LAKH, 1)
    if lakhs < 1:
        return money(value.quantize(Decimal(1)))
    if lakhs < 100:
        return f"{sign}₹{_short_number(lakhs)} L"
    return f"{sign}₹{_short_number(round(size / CRORE, 1))} Cr"


def _short_number(value: Decimal) -> str:
    """12.5 -> "12.5", 20.0 -> "20", 1234.6 -> "1,235" (Indian grouping past a thousand)."""
    if value >= 1000:
        return str(format_decimal(value.quantize(Decimal(1)), locale="en_IN"))
    return f"{value:.1f}".removesuffix(".0")


def local_time(moment: datetime | None, zone: str, *, with_zone: bool = True) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(ZoneInfo(zone))
    return local.strftime("%d %b %Y, %H:%M") + (f" {local.tzname()}" if with_zone else "")


def age(moment: datetime, now: datetime) -> str:
    """How long ago, in words that fit a caption: "12 s ago", "3 min ago", "2 h ago"."""
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago" if seconds < 86400 else f"{seconds // 86400} days ago"


def period_label(start: datetime, period: str, *, with_year: bool = False) -> str:
    """A bucket by its calendar name: "12 Oct", "Week of 12 Oct", "Oct 2026" (`start` is local)."""
    if period == "month":
        return start.strftime("%b %Y")
    day = f"{start.day} {start.strftime('%b')}" + (f" {start.year}" if with_year else "")
    return f"Week of {day}" if period == "week" else day


MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~"


def md_escape(text: str) -> str:
    """User text inside st.markdown: shown literally, never as links, images or HTML."""
    return "".join(f"\\{ch}" if ch in MARKDOWN_SPECIALS else ch for ch in text)
