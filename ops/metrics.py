"""Prometheus metrics of the settlement worker (the app processes' own are in ops/app_metrics.py).

The worker serves them on its own port (`--metrics-port`); settlement lag is read from the store
after each round, so it is right whichever worker settled the lots."""

from __future__ import annotations

import logging
from collections.abc import Callable

from prometheus_client import Counter, Gauge, start_http_server

from domain.bidding.worker import settlement_lag_s

log = logging.getLogger(__name__)

ROUNDS = Counter("worker_rounds_total", "Worker rounds completed")
DONE = Counter("worker_items_total", "Items handled by the worker's jobs", ["job"])
LAG = Gauge("auction_settlement_lag_seconds",
            "Seconds since the end of the oldest lot still unsettled (0: none waiting)")


def record_round(counts: dict[str, int]) -> None:
    ROUNDS.inc()
    for job, count in counts.items():
        DONE.labels(job).inc(count)
    LAG.set(settlement_lag_s())


def serve_worker_metrics(port: int) -> Callable[[dict[str, int]], None]:
    start_http_server(port, addr="127.0.0.1")
    log.info("worker metrics on 127.0.0.1:%d/metrics", port)
    return record_round
