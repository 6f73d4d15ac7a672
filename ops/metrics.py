"""Prometheus metrics of the settlement worker, and the pool gauges every process of ours shares
(the app processes' own are in ops/app_metrics.py).

The worker serves them on its own port (`--metrics-port`); settlement lag is read from the store
after each round, so it is right whichever worker settled the lots."""

from __future__ import annotations

import logging
from collections.abc import Callable

from prometheus_client import Counter, Gauge, start_http_server

from data import backup_status
from data.db import get_engine
from data.types import utcnow
from domain.bidding.worker import settlement_lag_s

log = logging.getLogger(__name__)

ROUNDS = Counter("worker_rounds_total", "Worker rounds completed")
DONE = Counter("worker_items_total", "Items handled by the worker's jobs", ["job"])
LAG = Gauge("auction_settlement_lag_seconds",
            "Seconds since the end of the oldest lot still unsettled (0: none waiting)")


COPY_LAG = Gauge("analytics_copy_lag_seconds", "Age of the analytics copy's last refresh (-1: no copy yet)")
POOL_IN_USE = Gauge("db_pool_checked_out", "Store connections this process has in use")
POOL_CAPACITY = Gauge("db_pool_capacity", "Store connections this process may open (pool size + overflow)")
BACKUP_AGE = Gauge(backup_status.BACKUP_AGE,
                   "Seconds since the last backup that passed its check (+Inf: none)")
ARCHIVE_LAG = Gauge(backup_status.ARCHIVE_LAG,
                    "Seconds of committed work not yet in the WAL archive or snapshot (+Inf: archiving off)")


def watch_pool() -> None:
    """Pool gauges read at scrape time (SQLite's pool has no size: 0)."""
    POOL_IN_USE.set_function(lambda: float(getattr(get_engine().pool, "checkedout", lambda: 0)()))
    POOL_CAPACITY.set_function(_pool_capacity)


def _pool_capacity() -> float:
    pool = get_engine().pool
    return float(getattr(pool, "size", lambda: 0)() + getattr(pool, "_max_overflow", 0))


def record_round(counts: dict[str, int]) -> None:
    ROUNDS.inc()
    for job, count in counts.items():
        DONE.labels(job).inc(count)
    LAG.set(settlement_lag_s())
    COPY_LAG.set(_copy_age_s())


def _copy_age_s() -> float:
    from analytics.reader import freshness

    fresh = freshness()
    return -1.0 if fresh is None else max(0.0, (utcnow() - fresh).total_seconds())


def watch_backups() -> None:
    """Backup gauges read at scrape time (a file and one catalog query), in the worker that runs anyway."""
    BACKUP_AGE.set_function(lambda: _backup_metric(backup_status.BACKUP_AGE))
    ARCHIVE_LAG.set_function(lambda: _backup_metric(backup_status.ARCHIVE_LAG))


def _backup_metric(name: str) -> float:
    try:
        return backup_status.backup_metrics(get_engine())[name]
    except Exception:  # a store that does not answer must not break the scrape; unknown alerts too
        log.warning("backup status unreadable", exc_info=True)
        return float("inf")


def serve_worker_metrics(port: int) -> Callable[[dict[str, int]], None]:
    watch_pool()
    watch_backups()
    start_http_server(port, addr="127.0.0.1")
    log.info("worker metrics on 127.0.0.1:%d/metrics", port)
    return record_round
