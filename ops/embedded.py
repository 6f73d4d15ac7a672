"""The embedded default's settlement loop, started by the app server itself (app.py wraps its
lifespan with this), so `streamlit run app.py` alone closes lots, expires decisions and reminds."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from data.settings import get_settings
from domain.bidding.worker import start_in_background, stop_background

Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]


def with_settlement_loop(lifespan: Lifespan) -> Lifespan:
    """`lifespan`, then (once the store is prepared) this process's loop if settings ask for it."""

    @asynccontextmanager
    async def wrapped(app: Any) -> AsyncIterator[None]:
        async with lifespan(app):
            running = get_settings().runs_settlement
            if running:
                start_in_background()
            try:
                yield
            finally:
                if running:
                    stop_background()

    return wrapped
