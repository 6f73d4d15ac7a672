"""The stored vocabularies: statuses, roles and a car's categorical fields. The store filters on them
and the rules decide with them, so they sit on the lowest floor; `domain.types` and
`domain.inventory.vehicle` give them to the domain under their usual names."""

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


class BodyType(StrEnum):
    HATCHBACK = "hatchback"
    SEDAN = "sedan"
    SUV = "suv"
    MUV = "muv"
    COUPE = "coupe"
    CONVERTIBLE = "convertible"
    WAGON = "wagon"
    PICKUP = "pickup"
    VAN = "van"


class Fuel(StrEnum):
    PETROL = "petrol"
    DIESEL = "diesel"
    CNG = "cng"
    LPG = "lpg"
    HYBRID = "hybrid"
    ELECTRIC = "electric"


class Transmission(StrEnum):
    MANUAL = "manual"
    AUTOMATIC = "automatic"
    AMT = "amt"
    CVT = "cvt"
    DCT = "dct"


class TitleStatus(StrEnum):
    CLEAN = "clean"
    HYPOTHECATED = "hypothecated"  # under a loan: the lender must release it at sale
    REBUILT = "rebuilt"
    SALVAGE = "salvage"


class Damage(StrEnum):
    NONE = "none"
    MINOR = "minor"
    MODERATE = "moderate"
    MAJOR = "major"
    FLOOD = "flood"
    FIRE = "fire"


class FeeKind(StrEnum):
    """The platform's two fee schedules (domain/bidding/fee_schedule.py)."""

    BUYER_PREMIUM = "buyer_premium"  # the buyer pays it on top of the hammer; one platform schedule
    SELLER_FEE = "seller_fee"  # the dealer pays it out of the hammer; a platform default and per dealer
