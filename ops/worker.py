"""`python -m ops.worker`: the settlement worker's command line (JSON logs, Prometheus metrics).

The loop itself is `domain.bidding.worker`; several may run, and a store outage never ends one."""

from __future__ import annotations

import argparse
import logging
import threading

from domain.bidding.worker import run_forever, run_once
from ops.logs import configure_logging

log = logging.getLogger("auction.worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between rounds")
    parser.add_argument("--once", action="store_true", help="run one round and exit")
    parser.add_argument("--no-analytics", action="store_true",
                        help="leave the analytics copy to its refresher "
                             "(python -m analytics.copy.refresh --loop)")
    parser.add_argument("--metrics-port", type=int, default=0, help="serve Prometheus metrics on this port")
    args = parser.parse_args()
    configure_logging()
    if args.once:
        log.info("round: %s", run_once(analytics=not args.no_analytics))
        return
    on_round = None
    if args.metrics_port:
        from ops.metrics import serve_worker_metrics

        on_round = serve_worker_metrics(args.metrics_port)
    run_forever(threading.Event(), interval=args.interval, analytics=not args.no_analytics, on_round=on_round)


if __name__ == "__main__":
    main()
