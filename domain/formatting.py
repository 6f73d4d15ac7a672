"""Money as people read it, in the app's currency (CURRENCY): its symbol and grouping (₹7,53,000 in
lakhs and crores for rupees), and every paisa when there are any (₹16,50,002.23), never rounded: a
bidder who types what a message says must be able to bid it. Domain messages, notifications and the
pages all write money through `money`; tiles and chart ticks through `money_short`, and name
time buckets with `period_label` (the pages and analytics' figures share them)."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, format_compact_currency, format_decimal, parse_pattern

from data.settings import get_settings
from domain.errors import ValidationFailed

LOCALES = {"INR": "en_IN", "USD": "en_US", "EUR": "de_DE", "GBP": "en_GB"}
LAKH, CRORE = Decimal(100_000), Decimal(10_000_000)
MAX_PRICE = Decimal("100000000")  # ₹10 crore: above any car sold here
PAISA = Decimal("0.01")


def parse_amount(value: object, *, label: str, field: str = "amount") -> Decimal:
    """The one reading of an amount a person typed (text, a widget's float, a Decimal from the API):
    more than 0, below MAX_PRICE, at most two decimals. Anything else is refused under `field` with a
    message that names `label`, so the store only ever sees exact Decimals."""
    try:
        amount = amount_or_none(value, label=label)
    except ValueError as error:
        raise ValidationFailed({field: str(error)}) from None
    if amount is None:
        raise ValidationFailed({field: f"{label} is required."})
    return amount


def amount_or_none(value: object, *, label: str) -> Decimal | None:
    """`parse_amount`'s rule for a cell that may stay blank (None, NaN, ""): a bad amount raises
    ValueError, which a table of rows collects per row."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError(f"{label} must be an amount such as 450000.")
    try:  # str() of a float is its shortest exact spelling: 350000.1 stays 350000.1, never 350000.099…
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{label} must be an amount such as 450000; got {str(value)[:30]!r}.") from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_PRICE:
        raise ValueError(f"{label} must be more than 0 and less than {money(MAX_PRICE)}.")
    if amount != amount.quantize(PAISA):
        raise ValueError(f"{label} can have at most two decimals.")
    return amount


def money(amount: Decimal | int | None) -> str:
    return "—" if amount is None else _money(amount, get_settings().currency)


@lru_cache(maxsize=8192)  # a live board formats its price and last bids on every version
def _money(amount: Decimal | int, code: str) -> str:
    """Equal amounts (350000, 350000.00) are one key and spell the same."""
    whole = Decimal(amount) == Decimal(amount).to_integral_value()
    locale, pattern = _money_format(code, whole)
    return str(pattern.apply(amount, locale, currency=code, currency_digits=not whole))


@lru_cache(maxsize=16)
def _money_format(code: str, whole: bool) -> tuple[Locale, NumberPattern]:
    """The locale and pattern, parsed once: `format_currency` parses both on every call, which was most of
    its ~55 µs, and an outbid notice formats a new price while its bid holds the lot's lock."""
    locale = Locale.parse(LOCALES[code])
    if not whole:
        return locale, locale.currency_formats["standard"]
    return locale, parse_pattern("¤#,##,##0" if code == "INR" else "¤#,##0")


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


def period_label(start: datetime, period: str, *, with_year: bool = False) -> str:
    """A bucket by its calendar name: "12 Oct", "Week of 12 Oct", "Oct 2026" (`start` is local)."""
    if period == "month":
        return start.strftime("%b %Y")
    day = f"{start.day} {start.strftime('%b')}" + (f" {start.year}" if with_year else "")
    return f"Week of {day}" if period == "week" else day
