"""The demo marketplace's fees, stored as the platform's schedules in force since before its history:
a buyer's premium of 5 % (₹2,000 to ₹25,000) and a seller fee that is a flat amount per car, tiered by
price (as Copart and ACV charge sellers)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from data.uow import UnitOfWork
from domain.bidding.fee_schedule import schedule_add
from domain.bidding.fees import FeeBand, FeeSchedule
from domain.types import FeeKind

SINCE = datetime(2000, 1, 1, tzinfo=UTC)  # before any demo history: every demo sale falls under these
PREMIUM = FeeSchedule((FeeBand(Decimal(0), percent=Decimal(5), minimum=Decimal(2000),
                               maximum=Decimal(25000)),))
SELLER_FEE = FeeSchedule((FeeBand(Decimal(0), flat=Decimal(2000)),
                          FeeBand(Decimal(300_000), flat=Decimal(4000)),
                          FeeBand(Decimal(1_000_000), flat=Decimal(7500))))
NOTE = "The demo marketplace's fees."


def seed_fees(uow: UnitOfWork) -> tuple[FeeSchedule, FeeSchedule]:
    """The demo's premium and default seller fee as stored versions; returned with their version ids."""
    return (schedule_add(uow, FeeKind.BUYER_PREMIUM, PREMIUM.bands, effective_from=SINCE, note=NOTE),
            schedule_add(uow, FeeKind.SELLER_FEE, SELLER_FEE.bands, effective_from=SINCE, note=NOTE))
