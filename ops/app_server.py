"""What an app server process runs beside Streamlit, started from its lifespan (app.py wraps
`prepare_on_start` with this): the settlement loop where no worker runs (the embedded default, so
`streamlit run app.py` alone closes lots, expires decisions and reminds), the mailer once SMTP_HOST
is set, and, under the stack, its Prometheus metrics on METRICS_PORT. It also sets the garbage
collector for a server (ops/collector.py)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from data.settings import get_settings
from domain.bidding.worker import settlement_loop
from ops.collector import tune_for_server
from ops.mailer import mail_loop

Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]


def with_ops(lifespan: Lifespan) -> Lifespan:
    """`lifespan`, then (once the store is prepared) this process's loop and metrics as configured."""

    @asynccontextmanager
    async def wrapped(app: Any) -> AsyncIterator[None]:
        tune_for_server()
        async with lifespan(app):
            if os.environ.get("METRICS_PORT"):
                from ops.app_metrics import serve_app_metrics

                serve_app_metrics(int(os.environ["METRICS_PORT"]))
            settings = get_settings()
            loops = [loop for wanted, loop in ((settings.runs_settlement, settlement_loop),
                                               (settings.runs_mailer, mail_loop)) if wanted]
            for loop in loops:
                loop.start()
            try:
                yield
            finally:
                for loop in loops:
                    loop.stop()

    return wrapped
