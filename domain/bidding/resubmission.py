"""A submission sent again (a double click, a client retrying after a timeout) is answered with its
first answer, and a key sent again with a different request is refused.

Each bid keeps its key and a fingerprint of what it asked for (bid or buy-now, lot, maximum). The lock
query finds an earlier submission committed before it; one that committed while this copy waited
for the lot's lock is invisible to that query's snapshot on PostgreSQL, so before a refusal is given
`twin_committed_meanwhile` looks again with a statement of its own (READ COMMITTED: it sees the twin).
A copy the rules would accept instead trips the bids' unique key, and is retried (service.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal

from sqlalchemy.engine import Connection

from data.bid_store import LotForBid, earlier_submission
from domain.errors import KeyReused


def fingerprint(kind: str, lot_id: int, amount: Decimal | None = None) -> str:
    """What a submission asked for, hashed and kept with its key: a key sent again with another
    request is refused (KeyReused) instead of being answered with the first request's result."""
    amount_text = "" if amount is None else f"{amount:.2f}"
    return hashlib.sha256(f"{kind}|{lot_id}|{amount_text}".encode()).hexdigest()


def twin_committed_meanwhile(conn: Connection, lot: LotForBid, bidder: int, key: str,
                             asked: str) -> LotForBid | None:
    """Asked before a refusal: the same submission, if it committed while this copy waited for the
    lock (it raised the price or closed the lot, hence the refusal). Then the answer is the first one."""
    earlier = earlier_submission(conn, bidder, key)
    if earlier is None:
        return None
    twin = replace(lot, **earlier)
    check_same_submission(twin, asked)
    return twin


def check_same_submission(lot: LotForBid, asked: str) -> None:
    """An earlier submission with this key must have asked for the same thing (bids from before
    fingerprints were kept: on the same lot)."""
    if lot.earlier_bid_id is None:
        return
    if lot.earlier_lot_id != lot.lot_id or lot.earlier_fingerprint not in (None, asked):
        raise KeyReused()
