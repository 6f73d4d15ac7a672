"""What the bid routes take in; they answer with `domain.bidding.queries`' and the service's read models."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from api.strict import StrictIn
from domain.bidding.retraction import RetractReason

Amount = Decimal


class BidIn(StrictIn):
    lot_id: int = Field(ge=1, le=2**31 - 1)
    max_amount: Amount = Field(gt=0, lt=10**8, decimal_places=2,
                               description="Your maximum: the system bids for you up to it")


class BidRaiseIn(StrictIn):
    max_amount: Amount = Field(gt=0, lt=10**8, decimal_places=2)


class VoidIn(StrictIn):
    reason: str = Field(min_length=5, max_length=300)


RETRACT_HELP = ", ".join(RetractReason)
