"""Every auction's soft close has a cap: bids late in a lot extend it, never past the latest end.

The cap defaults to `SOFT_CLOSE_CAP_MINUTES` after the last lot's scheduled close; a dealer may pick
another latest end, as long as it lies within the limits an admin sets (`SOFT_CLOSE_CAP_MIN_MINUTES`
to `SOFT_CLOSE_CAP_MAX_MINUTES` after that close). Without a cap two bidders could extend a lot for
ever.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from data.settings import get_settings
from domain.auctions.rules import AuctionSpec
from domain.errors import ValidationFailed


def with_soft_close_cap(spec: AuctionSpec) -> AuctionSpec:
    """The spec with its latest end filled in (the default cap) or checked against the admin's limits."""
    if not spec.lots:
        return spec
    settings = get_settings()
    last_close = spec.lot_ends()[-1]
    if spec.latest_end_at is None:
        return replace(spec, latest_end_at=last_close + timedelta(minutes=settings.soft_close_cap_minutes))
    low, high = settings.soft_close_cap_min_minutes, settings.soft_close_cap_max_minutes
    if not timedelta(minutes=low) <= spec.latest_end_at - last_close <= timedelta(minutes=high):
        raise ValidationFailed({"latest_end_at": f"The latest end must be {low} to {high} minutes after "
                                                 "the last lot's scheduled close."})
    return spec
