"""A seam for tests: code run inside the bid transaction, after the writes and before the commit.

The crash test pauses a bid here and kills its database connection, to prove the bid, the lot's
counters and the audit entry are all in or all out. In production it does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

_inside_bid: Callable[[int], None] | None = None


def inside_bid_transaction(lot_id: int) -> None:
    if _inside_bid is not None:
        _inside_bid(lot_id)


def set_inside_bid(hook: Callable[[int], None] | None) -> None:
    global _inside_bid  # noqa: PLW0603 — a single process-wide test seam, off by default
    _inside_bid = hook
