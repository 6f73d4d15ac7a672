"""A reserve decision left unanswered past its deadline is declined, whether or not a worker has run.

Like lots that settle on read, every reader treats a pending decision past `decision_due_at` as
expired (no sale, the car free again); the worker's `expire_decisions` later only writes down what
readers already assume, and `lot_decide` refuses an answer after the deadline.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_
from sqlmodel import col

from data.models import Lot

PENDING, EXPIRED = "pending", "expired"


def decision_on_read(decision: str | None, due_at: datetime | None, now: datetime) -> str | None:
    """The decision as of `now`: a pending one past its deadline reads as expired (declined)."""
    if decision == PENDING and due_at is not None and due_at <= now:
        return EXPIRED
    return decision


def awaiting_decision(now: datetime) -> ColumnElement[bool]:
    """Over lots: the dealer's answer is pending and its deadline has not passed."""
    return and_(col(Lot.decision) == PENDING, col(Lot.decision_due_at) > now)
