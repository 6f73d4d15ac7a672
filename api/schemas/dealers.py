from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from api.strict import StrictIn
from data.models import Dealer
from domain.types import DealerStatus

PRIVATE = ("user_id", "address", "postal_code", "phone", "review_note", "created_at")


class StoreIn(StrictIn):
    store_name: str = Field(max_length=120)
    address: str = Field(max_length=300)
    city: str = Field(max_length=80)
    postal_code: str = Field(max_length=12)
    phone: str | None = Field(default=None, max_length=20)


class DealerChangeIn(StrictIn):
    """Admins: `status` (verified, rejected, suspended) with a `note` the dealer sees.
    Owners: the store's details."""

    status: DealerStatus | None = None
    note: str = Field(default="", max_length=500)
    store_name: str | None = Field(default=None, max_length=120)
    address: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=80)
    postal_code: str | None = Field(default=None, max_length=12)
    phone: str | None = Field(default=None, max_length=20)

    def details(self) -> dict[str, Any]:
        return self.model_dump(exclude={"status", "note"})


class DealerOut(BaseModel):
    id: int
    store_name: str
    city: str
    status: str
    user_id: int | None = Field(default=None, description="Owner and admins only, like the fields below")
    address: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    review_note: str | None = None
    created_at: datetime | None = None

    @classmethod
    def of(cls, dealer: Dealer, *, private: bool = True) -> DealerOut:
        names = [name for name in cls.model_fields if private or name not in PRIVATE]
        return cls.model_validate({name: getattr(dealer, name) for name in names})


class DealerStatsOut(BaseModel):
    dealer_id: int
    auctions: int
    lots: int
    sold_lots: int
    gross: Decimal
    earnings: Decimal
    seller_fees: Decimal
