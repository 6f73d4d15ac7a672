"""Enumerations shared by the rules and the store, the shape of a lot's prices, and how a read model
takes its fields from a stored row."""

from dataclasses import fields
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, TypeVar

View = TypeVar("View")


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


def read_model(model: type[View], row: object, **values: Any) -> View:
    """The read model `model` (a dataclass) with each field taken by name from `row`, an ORM object,
    unless `values` gives it: the model's fields say what leaves the store, nothing else does."""
    names = [field.name for field in fields(model) if field.name not in values]  # type: ignore[arg-type]
    return model(**{name: getattr(row, name) for name in names}, **values)
