"""eBay's retraction rule, without a store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.bidding.retraction_rules import OwnBid, bids_to_retract
from domain.errors import InvalidTransition

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
OLD, RECENT, LATEST = (OwnBid(1, NOW - timedelta(hours=3)), OwnBid(2, NOW - timedelta(minutes=50)),
                       OwnBid(3, NOW - timedelta(minutes=5)))
MINE = (OLD, RECENT, LATEST)


def test_twelve_hours_or_more_left_takes_back_every_bid_on_the_lot() -> None:
    for left in (timedelta(hours=12), timedelta(days=3)):
        assert bids_to_retract(OLD, MINE, ends_at=NOW + left, now=NOW) == (1, 2, 3)


def test_less_than_twelve_hours_left_takes_back_only_a_bid_of_the_last_hour() -> None:
    ends = NOW + timedelta(hours=12) - timedelta(seconds=1)
    assert bids_to_retract(RECENT, MINE, ends_at=ends, now=NOW) == (2,)
    assert bids_to_retract(LATEST, MINE, ends_at=NOW + timedelta(minutes=10), now=NOW) == (3,)
    with pytest.raises(InvalidTransition, match="last hour"):
        bids_to_retract(OLD, MINE, ends_at=ends, now=NOW)
    just_over = OwnBid(4, NOW - timedelta(hours=1, seconds=1))
    with pytest.raises(InvalidTransition):
        bids_to_retract(just_over, (just_over,), ends_at=ends, now=NOW)
