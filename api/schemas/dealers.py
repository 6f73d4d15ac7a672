"""What the dealer routes take in; they answer with `domain.accounts.dealers.DealerView`."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from api.strict import StrictIn
from domain.types import DealerStatus


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
