from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from api.strict import StrictIn
from domain.bidding.retraction import RetractReason
from domain.bidding.service import BidReceipt

Amount = Decimal


class BidIn(StrictIn):
    lot_id: int = Field(ge=1, le=2**31 - 1)
    max_amount: Amount = Field(gt=0, lt=10**8, decimal_places=2,
                               description="Your maximum: the system bids for you up to it")


class BidRaiseIn(StrictIn):
    max_amount: Amount = Field(gt=0, lt=10**8, decimal_places=2)


class VoidIn(StrictIn):
    reason: str = Field(min_length=5, max_length=300)


class BidOut(BaseModel):
    id: int
    lot_id: int
    auction_id: int
    bidder_id: int
    max_amount: Decimal
    price_after: Decimal
    leading_after: bool
    placed_at: datetime
    status: str
    status_reason: str | None


class PublicBidOut(BaseModel):
    id: int
    lot_id: int
    bidder: str
    price_after: Decimal
    placed_at: datetime
    status: str
    status_reason: str | None


class ReceiptOut(BaseModel):
    bid_id: int
    outcome: str
    price: Decimal
    leading: bool
    minimum_next: Decimal
    ends_at: datetime
    extended: bool
    repeated: bool

    @classmethod
    def of(cls, receipt: BidReceipt) -> ReceiptOut:
        return cls.model_validate(receipt, from_attributes=True)


RETRACT_HELP = ", ".join(RetractReason)
