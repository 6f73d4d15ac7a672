"""Money and times as the user reads them: the currency's symbol and grouping, their time zone."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_currency

from data.settings import get_settings

LOCALES = {"INR": "en_IN", "USD": "en_US", "EUR": "de_DE", "GBP": "en_GB"}


def money(amount: Decimal | int | None) -> str:
    if amount is None:
        return "—"
    code = get_settings().currency
    whole = Decimal(amount) == Decimal(amount).to_integral_value()
    pattern = "¤#,##,##0" if code == "INR" else "¤#,##0"
    return str(format_currency(amount, code, locale=LOCALES[code], format=None if not whole else pattern,
                           currency_digits=not whole))


def local_time(moment: datetime | None, zone: str, *, with_zone: bool = True) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(ZoneInfo(zone))
    return local.strftime("%d %b %Y, %H:%M") + (f" {local.tzname()}" if with_zone else "")


MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~"


def md_escape(text: str) -> str:
    """User text inside st.markdown: shown literally, never as links, images or HTML."""
    return "".join(f"\\{ch}" if ch in MARKDOWN_SPECIALS else ch for ch in text)
