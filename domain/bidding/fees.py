"""The money of a sale, defined once for every page, export and API.

hammer: the winning price. The buyer pays hammer + buyer's premium (a percentage set per auction,
bounded by a minimum and a maximum). The dealer owes a seller fee (a percentage per dealer). The
dealer earns hammer - seller fee. The platform earns premium + seller fee.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


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


def _percent(amount: Decimal, pct: Decimal) -> Decimal:
    return (amount * pct / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def buyer_premium(hammer: Decimal, pct: Decimal, minimum: Decimal, maximum: Decimal | None) -> Decimal:
    premium = max(_percent(hammer, pct), minimum)
    return min(premium, maximum) if maximum is not None else premium


def sale_amounts(hammer: Decimal, *, premium_pct: Decimal, premium_min: Decimal,
                 premium_max: Decimal | None, seller_fee_pct: Decimal) -> SaleAmounts:
    return SaleAmounts(hammer, buyer_premium(hammer, premium_pct, premium_min, premium_max),
                       _percent(hammer, seller_fee_pct))
