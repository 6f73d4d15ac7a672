"""PUT /dealers/{id}: one body for two domain services. An admin reviews (a status and a note);
the owner edits the store's details."""

from __future__ import annotations

from typing import Any

from data.models import Dealer
from domain.accounts.dealers import dealer_review, store_update
from domain.permissions import Actor
from domain.types import DealerStatus


def dealer_change(actor: Actor, dealer_id: int, *, status: DealerStatus | None, note: str,
                  details: dict[str, Any]) -> Dealer:
    if status is not None:
        return dealer_review(actor, dealer_id, to=status, note=note)
    return store_update(actor, dealer_id, **details)
