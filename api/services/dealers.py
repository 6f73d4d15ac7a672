"""PUT /dealers/{id}: one body for two domain services. An admin reviews (a status and a note);
the owner edits the store's details."""

from __future__ import annotations

from typing import Any

from domain.accounts.dealers import DealerView, dealer_review, store_update, store_view
from domain.permissions import Actor
from domain.types import DealerStatus


def dealer_change(actor: Actor, dealer_id: int, *, status: DealerStatus | None, note: str,
                  details: dict[str, Any]) -> DealerView:
    if status is not None:
        return store_view(dealer_review(actor, dealer_id, to=status, note=note))
    return store_view(store_update(actor, dealer_id, **details))
