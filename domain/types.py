"""Enumerations shared by the rules and the store, and the shape of a lot's prices."""

from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    BIDDER = "bidder"
    DEALER = "dealer"
    ADMIN = "admin"
    ANALYST = "analyst"


class UserStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DELETED = "deleted"


class DealerStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class CarStatus(StrEnum):
    AVAILABLE = "available"
    SOLD = "sold"
    WITHDRAWN = "withdrawn"
    FROZEN = "frozen"  # taken down by an admin: unlistable until the dealer edits it or an admin restores it


class AuctionStatus(StrEnum):
    """Stored states. `live` and `ended` are derived from the clock (see `domain.auctions.lifecycle`)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class LotOutcome(StrEnum):
    SOLD = "sold"
    RESERVE_NOT_MET = "reserve_not_met"
    UNSOLD = "unsold"
    TAKEN_DOWN = "taken_down"  # closed by an admin: bids voided, never sold


class FeeKind(StrEnum):
    """The platform's two fee schedules (domain/bidding/fee_schedule.py)."""

    BUYER_PREMIUM = "buyer_premium"  # the buyer pays it on top of the hammer; one platform schedule
    SELLER_FEE = "seller_fee"  # the dealer pays it out of the hammer; a platform default and per dealer


class LotPrices(Protocol):
    """What the price rules read from a lot: a `Lot` row object or a plain row of its columns."""

    @property
    def reserve_price(self) -> Decimal | None: ...
    @property
    def current_price(self) -> Decimal | None: ...
    @property
    def buy_now_price(self) -> Decimal | None: ...
    @property
    def leader_id(self) -> int | None: ...
    @property
    def outcome(self) -> str | None: ...
