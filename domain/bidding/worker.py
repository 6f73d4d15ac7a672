"""The settlement worker's loop; its command line is `python -m ops.worker` (JSON logs, metrics: the
stack's floor, above the domain, so this module never imports it). Run one or more beside the app.

Every second it settles lots past their end, expires unanswered reserve decisions and sends
ending-soon reminders. Several workers (and the embedded loop of each app process, and the pages that settle
a lot they show) may run at once: each job is taken by one of them at a time (`data.job_lock`), and settling
is a conditional update anyway, so each lot is settled exactly once.

A round that fails (the store is down, restarting, out of connections) never ends the worker: it
drops its connections and tries again after a growing, jittered pause (at most `MAX_BACKOFF_S`).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlmodel import col, func, select

from data.background import BackgroundLoop
from data.db import get_engine
from data.job_lock import job_lock
from data.models import Auction, Lot
from data.types import utcnow
from data.uow import UnitOfWork
from domain.auctions.watchlist import remind_ending_soon
from domain.bidding.settlement import expire_decisions, settle_due
from domain.types import AuctionStatus

log = logging.getLogger("auction.worker")

JOBS: dict[str, Callable[[], int]] = {
    "settled": settle_due, "expired": expire_decisions, "reminded": remind_ending_soon}
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 5.0


def run_once(*, analytics: bool = True) -> dict[str, int]:
    """One round: each job runs here unless another worker holds it right now."""
    counts = {name: _run_job(name, job) for name, job in JOBS.items()}
    return counts | {"analytics": _refresh_analytics() if analytics else 0}


def _run_job(name: str, job: Callable[[], int]) -> int:
    with job_lock(f"worker:{name}") as mine:
        return job() if mine else 0


def _refresh_analytics() -> int:
    """Keep the analytics copy fresh; a failure there must never stop settling lots."""
    from analytics.copy.refresh import refresh_once  # lazy: DuckDB and pyarrow load only in the worker

    try:
        return refresh_once().changes
    except Exception:
        log.exception("analytics refresh failed; settlement goes on")
        return 0


def settlement_lag_s(now: datetime | None = None) -> float:
    """Seconds since the end of the oldest lot still waiting to be settled (0 when none waits)."""
    now = now or utcnow()
    with UnitOfWork(write=False) as uow:
        oldest = uow.session.exec(
            select(func.min(Lot.ends_at)).join(Auction, col(Auction.id) == Lot.auction_id)
            .where(col(Lot.outcome).is_(None), col(Lot.ends_at) <= now,
                   Auction.status == AuctionStatus.SCHEDULED)).one()
    if oldest is None:
        return 0.0
    return max(0.0, (now - _aware(oldest)).total_seconds())


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Backoff:
    """Pauses after consecutive failures: 0.5 s, 1 s, 2 s, ... up to MAX_BACKOFF_S, each jittered."""

    def __init__(self) -> None:
        self.failures = 0

    def next_delay(self) -> float:
        self.failures += 1
        delay = min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2.0 ** (self.failures - 1))
        return delay * random.uniform(0.75, 1.0)  # noqa: S311 -- jitter, not a secret

    def reset(self) -> None:
        self.failures = 0


def run_forever(stop: threading.Event, *, interval: float = 1.0, analytics: bool = True,
                on_round: Callable[[dict[str, int]], None] | None = None) -> None:
    """Rounds until `stop` is set; no error in a round ends the loop."""
    backoff = Backoff()
    while not stop.is_set():
        try:
            counts = run_once(analytics=analytics)
            if on_round is not None:
                on_round(counts)
        except Exception as error:  # the store is down or failing: wait, reconnect, go on
            delay = backoff.next_delay()
            log.warning("worker round failed (%s); retrying in %.1f s", _short(error), delay)
            get_engine().dispose()  # the next round connects afresh
            stop.wait(delay)
            continue
        if backoff.failures:
            log.info("worker recovered after %d failed rounds", backoff.failures)
        backoff.reset()
        if any(counts.values()):
            log.info("round: %s", counts)
        stop.wait(interval)


# The app process's own settlement loop (the embedded store has no other worker): one thread per process,
# however often it is started; other processes' loops and workers share the job locks.
settlement_loop = BackgroundLoop("settlement-loop", lambda stop: run_forever(stop, analytics=False))


def _short(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
