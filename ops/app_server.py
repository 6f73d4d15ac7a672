"""What an app server process runs beside Streamlit, started from its lifespan (app.py wraps
`prepare_on_start` with this): the settlement loop where no worker runs (the embedded default, so
`streamlit run app.py` alone closes lots, expires decisions and reminds), the mailer once SMTP_HOST
is set, and, under the stack, its
Prometheus metrics on METRICS_PORT."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from data.settings import get_settings
from domain.bidding.worker import start_in_background, stop_background
from ops import mailer

Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]


def with_ops(lifespan: Lifespan) -> Lifespan:
    """`lifespan`, then (once the store is prepared) this process's loop and metrics as configured."""

    @asynccontextmanager
    async def wrapped(app: Any) -> AsyncIterator[None]:
        async with lifespan(app):
            if os.environ.get("METRICS_PORT"):
                from ops.app_metrics import serve_app_metrics

                serve_app_metrics(int(os.environ["METRICS_PORT"]))
            running, mailing = get_settings().runs_settlement, get_settings().runs_mailer
            if running:
                start_in_background()
            if mailing:
                mailer.start_in_background()
            try:
                yield
            finally:
                if running:
                    stop_background()
                if mailing:
                    mailer.stop_background()

    return wrapped
