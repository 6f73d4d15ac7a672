"""The auction lifecycle, derived from stored times so it follows the clock with nobody watching.

Stored: draft, scheduled, cancelled. Derived: a scheduled auction is `upcoming` before its start,
`live` while any of its lots is open, `ended` once the last lot has closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from domain.types import AuctionStatus


class Phase(StrEnum):
    DRAFT = "draft"
    UPCOMING = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


def auction_phase(status: str, starts_at: datetime, lot_ends: Iterable[datetime], now: datetime) -> Phase:
    if status == AuctionStatus.DRAFT:
        return Phase.DRAFT
    if status == AuctionStatus.CANCELLED:
        return Phase.CANCELLED
    if now < starts_at:
        return Phase.UPCOMING
    ends = list(lot_ends)
    return Phase.LIVE if ends and max(ends) > now else Phase.ENDED


def lot_is_open(status: str, starts_at: datetime, lot_ends_at: datetime, outcome: str | None,
                now: datetime) -> bool:
    """Bids are accepted only here: a published auction that has started, a lot not yet closed."""
    return (status == AuctionStatus.SCHEDULED and starts_at <= now < lot_ends_at and outcome is None)
