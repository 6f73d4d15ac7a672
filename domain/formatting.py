"""Money as people read it, in the app's currency (CURRENCY): its symbol and grouping (₹7,53,000 in
lakhs and crores for rupees), and every paisa when there are any (₹16,50,002.23), never rounded: a
bidder who types what a message says must be able to bid it. Domain messages, notifications and the
pages all write money through `money`."""

from __future__ import annotations

from decimal import Decimal

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
