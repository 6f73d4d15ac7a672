"""Start-up never needs the store. Under `uvicorn --workers N` a worker whose start-up fails stops the
whole server, the healthy workers included (uvicorn takes it for a broken app), so a worker replaced
while the store is down would take the API down for good. A worker prepares the store if it answers;
if not, it starts anyway, answers 503 with Retry-After (the Gate) and keeps trying in the background
until the store answers, then serves."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

import demo
from data.bootstrap import prepare_store

log = logging.getLogger("api")
RETRY_SECONDS = 1.0


@asynccontextmanager
async def store_prepared_when_up(state: State) -> AsyncIterator[None]:
    """Prepare the store now, or keep `state.store_pending` set while retrying in the background."""
    state.store_pending = not await _prepared()
    retrying = asyncio.create_task(_keep_trying(state)) if state.store_pending else None
    try:
        yield
    finally:
        if retrying is not None:
            retrying.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await retrying


async def _prepared() -> bool:
    try:
        # migrate the embedded store (seeding the demo in demo mode); refuse a PostgreSQL behind
        await run_in_threadpool(prepare_store, demo.seed_demo)
    except Exception as error:  # down or behind: say why, answer 503, try again
        log.warning("store not ready; answering 503 until it is",
                    extra={"error": type(error).__name__, "detail": str(error)[:300]})
        return False
    return True


async def _keep_trying(state: State) -> None:
    while not await _prepared():
        await asyncio.sleep(RETRY_SECONDS)
    state.store_pending = False
    log.info("store ready; serving")


def store_pending(app: object) -> bool:
    """True while this process has not prepared the store yet (an app never started counts as ready:
    tests drive it without a lifespan)."""
    state = getattr(app, "state", None)
    return bool(getattr(state, "store_pending", False))
