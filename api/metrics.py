"""Prometheus metrics. With PROMETHEUS_MULTIPROC_DIR set (several workers), each process writes its
samples there and /metrics adds them up; lots settled are counted in the store, which every worker,
page and background job shares."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from domain.errors import DomainError
from domain.oversight.health import settled_lot_counts

REQUESTS = Counter("api_requests_total", "Requests answered", ["method", "route", "status"])
LATENCY = Histogram("api_request_duration_seconds", "Time to answer", ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
BIDS = Counter("api_bids_total", "Bids through the API by result and reason", ["result", "reason"])
RATE_LIMITED = Counter("api_rate_limited_total", "Requests refused by a rate limit", ["limit"])
CONTENT_TYPE = CONTENT_TYPE_LATEST


class SettledLots(Collector):
    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily("auction_lots_settled", "Lots settled, by outcome", labels=["outcome"])
        try:
            counts = settled_lot_counts()
        except SQLAlchemyError:
            return []
        for outcome, count in counts.items():
            family.add_metric([outcome], count)
        return [family]


_settled = SettledLots()
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    REGISTRY.register(_settled)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


@contextmanager
def bid_metered() -> Iterator[None]:
    """Count a bid service call as accepted, or rejected by the rule that refused it."""
    try:
        yield
    except DomainError as error:
        BIDS.labels("rejected", type(error).__name__).inc()
        raise
    BIDS.labels("accepted", "").inc()


def exposition() -> bytes:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    registry.register(_settled)
    return generate_latest(registry)
