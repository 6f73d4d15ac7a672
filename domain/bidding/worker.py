"""The settlement worker: `python -m domain.bidding.worker` (run one or more beside the app).

Every second it settles lots past their end, expires unanswered reserve decisions and sends
ending-soon reminders. Several workers (and pages settling on read) may run at once: settling is a
conditional update, so each lot is settled exactly once.
"""

from __future__ import annotations

import argparse
import logging
import time

from domain.bidding.settlement import expire_decisions, settle_due
from domain.watchlist import remind_ending_soon

log = logging.getLogger("auction.worker")


def run_once() -> dict[str, int]:
    counts = {"settled": settle_due(), "expired": expire_decisions(), "reminded": remind_ending_soon()}
    return counts | {"analytics": _refresh_analytics()}


def _refresh_analytics() -> int:
    """Keep the analytics copy fresh; a failure there must never stop settling lots."""
    from analytics.refresh import refresh_once  # lazy: DuckDB and pyarrow load only in the worker

    try:
        return refresh_once().changes
    except Exception:
        log.exception("analytics refresh failed; settlement goes on")
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between rounds")
    parser.add_argument("--once", action="store_true", help="run one round and exit")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    while True:
        counts = run_once()
        if any(counts.values()):
            log.info("round: %s", counts)
        if args.once:
            return
        time.sleep(args.interval)


if __name__ == "__main__":
    main()
