"""The enumerations shared by the rules and the store (defined below it, in `data.enums`), the shape of
a lot's prices, and how a read model takes its fields from a stored row."""

from dataclasses import fields
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from data.enums import AuctionStatus, CarStatus, DealerStatus, FeeKind, LotOutcome, Role, UserStatus

# The vocabularies are re-exported: the domain names them from here.
__all__ = ["AuctionStatus", "CarStatus", "DealerStatus", "FeeKind", "LotOutcome", "LotPrices", "Role",
           "UserStatus", "read_model"]

View = TypeVar("View")


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
