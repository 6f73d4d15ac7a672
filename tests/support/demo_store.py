"""Reading a running app's embedded demo store from outside it (browser tests, the board bench)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def live_demo_lot(data_dir: Path, *, open_for: timedelta, nth: int = 0, last: bool = False,
                  untouched_by: tuple[str, ...] = ()) -> int:
    """The first (or `nth`, counting from 0, or the `last`) demo lot open now and for at least `open_for`
    more: a test that bids high takes its own lot, so the next test's prices stay where it expects them.
    `untouched_by`: only lots none of these accounts (emails) has bid on, whatever ran before."""
    now = _stored_now()
    untouched = ("AND NOT EXISTS (SELECT 1 FROM bids JOIN users ON users.id = bids.bidder_id "
                 f"WHERE bids.lot_id = lots.id AND users.email IN ({','.join('?' * len(untouched_by))})) "
                 if untouched_by else "")
    row = _one(data_dir,
               "SELECT lots.id FROM lots JOIN auctions ON auctions.id = lots.auction_id "
               "WHERE auctions.status = 'scheduled' AND auctions.starts_at <= ? AND lots.ends_at > ? "
               "AND lots.outcome IS NULL " + untouched + "ORDER BY lots.id " + ("DESC " if last else "")
               + "LIMIT 1 OFFSET ?",
               (now.isoformat(sep=" "), (now + open_for).isoformat(sep=" "), *untouched_by, nth))
    assert row, f"the demo store has no lot open for the next {open_for}"
    return int(row[0])


def bids_in_last_minute(data_dir: Path) -> int:
    """What the admin's live now counts, read from the app's own store."""
    since = _stored_now() - timedelta(minutes=1)
    counted = _one(data_dir, "SELECT count(*) FROM bids WHERE placed_at > ?", (since.isoformat(sep=" "),))
    return int(counted[0])


def _stored_now() -> datetime:
    """Now as the store writes its times: UTC without a zone."""
    return datetime.now(UTC).replace(tzinfo=None)


def _one(data_dir: Path, query: str, params: tuple[Any, ...]) -> Any:
    """The first row of `query` on the app's store, the connection closed after (sqlite3's own `with`
    only commits)."""
    with closing(sqlite3.connect(data_dir / "auction.db")) as db:
        return db.execute(query, params).fetchone()
