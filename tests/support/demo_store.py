"""Reading a running app's embedded demo store from outside it (browser tests, the board bench)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path


def live_demo_lot(data_dir: Path, *, open_for: timedelta, nth: int = 0, last: bool = False,
                  untouched_by: tuple[str, ...] = ()) -> int:
    """The first (or `nth`, counting from 0, or the `last`) demo lot open now and for at least `open_for`
    more: a test that bids high takes its own lot, so the next test's prices stay where it expects them.
    `untouched_by`: only lots none of these accounts (emails) has bid on, whatever ran before."""
    now = datetime.now(UTC).replace(tzinfo=None)
    untouched = ("AND NOT EXISTS (SELECT 1 FROM bids JOIN users ON users.id = bids.bidder_id "
                 f"WHERE bids.lot_id = lots.id AND users.email IN ({','.join('?' * len(untouched_by))})) "
                 if untouched_by else "")
    with sqlite3.connect(data_dir / "auction.db") as db:
        row = db.execute(
            "SELECT lots.id FROM lots JOIN auctions ON auctions.id = lots.auction_id "
            "WHERE auctions.status = 'scheduled' AND auctions.starts_at <= ? AND lots.ends_at > ? "
            "AND lots.outcome IS NULL " + untouched + "ORDER BY lots.id " + ("DESC " if last else "")
            + "LIMIT 1 OFFSET ?",
            (now.isoformat(sep=" "), (now + open_for).isoformat(sep=" "), *untouched_by, nth)).fetchone()
    assert row, f"the demo store has no lot open for the next {open_for}"
    return int(row[0])


def bids_in_last_minute(data_dir: Path) -> int:
    """What the admin's live now counts, read from the app's own store."""
    since = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)
    with sqlite3.connect(data_dir / "auction.db") as db:
        return int(db.execute("SELECT count(*) FROM bids WHERE placed_at > ?",
                              (since.isoformat(sep=" "),)).fetchone()[0])
