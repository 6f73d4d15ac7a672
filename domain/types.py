"""Enumerations shared by the rules and the store."""

from enum import StrEnum


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


class AuctionStatus(StrEnum):
    """Stored states. `live` and `ended` are derived from the clock (see `domain.lifecycle`)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class LotOutcome(StrEnum):
    SOLD = "sold"
    RESERVE_NOT_MET = "reserve_not_met"
    UNSOLD = "unsold"
