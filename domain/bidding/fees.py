"""The money of a sale, defined once for every page, export and API.

hammer: the winning price. The buyer pays hammer + buyer's premium; the dealer owes a seller fee and
earns hammer - seller fee; the platform earns premium + seller fee. Both fees are the platform's, set
by admins as versioned schedules (`domain.bidding.fee_schedule`); this module is their arithmetic.

A schedule is a list of price bands. The band holding the hammer (the last one starting at or below
it) prices the WHOLE hammer, as Copart's and Manheim's fee tables do: bands are not marginal slices
like tax brackets. A band's fee is flat + percent of the hammer, rounded once to paise (half up), then held
between the band's minimum and maximum. A flat band is percent 0 (Copart's, ACV's and Manheim's
seller fees: a flat amount per car, tiered by price); a percentage is flat 0 (the buyer's premium).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from domain.errors import ValidationFailed

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
MAX_FEE_AMOUNT = Decimal("100000000")  # ₹10 crore: well above any car, below the store's integer range


@dataclass(frozen=True)
class FeeBand:
    """From `from_price` upwards (up to the next band): flat + percent of the price, within min-max."""

    from_price: Decimal
    percent: Decimal = ZERO
    flat: Decimal = ZERO
    minimum: Decimal = ZERO
    maximum: Decimal | None = None

    def fee(self, price: Decimal) -> Decimal:
        raw = (self.flat + price * self.percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        held = max(raw, self.minimum)
        return min(held, self.maximum) if self.maximum is not None else held


@dataclass(frozen=True)
class FeeSchedule:
    """Bands rising from 0. `version` is the stored schedule's id (None: the built-in default, used
    while the store holds none); `effective_from` when it took or takes force."""

    bands: tuple[FeeBand, ...]
    version: int | None = None
    effective_from: datetime | None = None

    def band_for(self, price: Decimal) -> FeeBand:
        return next(band for band in reversed(self.bands) if price >= band.from_price)

    def fee(self, price: Decimal) -> Decimal:
        return self.band_for(price).fee(price)


@dataclass(frozen=True)
class SaleAmounts:
    hammer: Decimal
    buyer_premium: Decimal
    seller_fee: Decimal

    @property
    def buyer_total(self) -> Decimal:
        return self.hammer + self.buyer_premium

    @property
    def dealer_earnings(self) -> Decimal:
        return self.hammer - self.seller_fee

    @property
    def platform_revenue(self) -> Decimal:
        return self.buyer_premium + self.seller_fee


def sale_amounts(hammer: Decimal, *, premium: FeeSchedule, seller_fee: FeeSchedule) -> SaleAmounts:
    return SaleAmounts(hammer, premium.fee(hammer), seller_fee.fee(hammer))


def check_bands(bands: Sequence[FeeBand]) -> tuple[FeeBand, ...]:
    """A usable schedule: bands start at 0 and rise strictly; percent 0-100; amounts in paise, not
    negative, below ₹10 crore; each minimum at most its maximum. Every problem is named at once. The
    bands come back with two decimals throughout."""
    problems: dict[str, str] = {}
    if not bands:
        raise ValidationFailed({"bands": "A schedule needs at least one band."})
    if bands[0].from_price != 0:
        problems["bands"] = "The first band must start at 0."
    if any(later.from_price <= earlier.from_price for earlier, later in pairwise(bands)):
        problems["bands"] = "Band starts must rise strictly (no two bands start at the same price)."
    for number, band in enumerate(bands, start=1):
        problem = _band_problem(band)
        if problem:
            problems[f"band {number}"] = problem
    if problems:
        raise ValidationFailed(problems)
    return tuple(_in_paise(band) for band in bands)


def _in_paise(band: FeeBand) -> FeeBand:
    """Every figure with two decimals, as the store gives it back (5 -> 5.00)."""
    def cents(value: Decimal) -> Decimal:
        return value.quantize(CENT)

    return FeeBand(cents(band.from_price), cents(band.percent), cents(band.flat), cents(band.minimum),
                   cents(band.maximum) if band.maximum is not None else None)


def _band_problem(band: FeeBand) -> str | None:
    limits = [band.maximum] if band.maximum is not None else []
    amounts = (band.from_price, band.flat, band.minimum, *limits)
    if not all(_is_amount(amount) for amount in amounts):
        return "Prices and amounts are 0 or more, below ₹10 crore, with at most two decimals."
    if not (band.percent.is_finite() and ZERO <= band.percent <= HUNDRED and _two_decimals(band.percent)):
        return "The percent is 0 to 100, with at most two decimals."
    if band.maximum is not None and band.maximum < band.minimum:
        return "The maximum must not be below the minimum."
    return None


def _is_amount(value: Decimal) -> bool:
    return value.is_finite() and ZERO <= value < MAX_FEE_AMOUNT and _two_decimals(value)


def _two_decimals(value: Decimal) -> bool:
    return value == value.quantize(CENT)


DEFAULT_BUYER_PREMIUM = FeeSchedule((_in_paise(FeeBand(ZERO, percent=Decimal(5))),))  # the old default
DEFAULT_SELLER_FEE = FeeSchedule((_in_paise(FeeBand(ZERO)),))  # no seller fee until an admin sets one
