"""The HTTP API: a second door onto the same domain services as the pages.

Start it with `uvicorn api.main:app` (see the README for workers and settings). OpenAPI at
/api/v1/openapi.json, interactive docs at /api/v1/docs (local assets), probes at /healthz and /readyz,
Prometheus at /metrics.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.cache import ReadCaches
from api.docs import mount_docs
from api.envelope import ErrorEnvelope
from api.errors import install_error_handlers
from api.gate import Gate
from api.logs import configure_logging
from api.ratelimit import RateLimits
from api.routes import auctions, auth, bids, cars, dealers, fees, lots, me, ops, reports, users
from api.settings import get_api_settings
from api.startup import store_prepared_when_up
from api.strict import reject_unknown_body, reject_unknown_query

PREFIX = "/api/v1"
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": description} for status, description in (
        (400, "The request cannot be used"), (401, "No valid access token"),
        (403, "Your roles do not allow this"), (404, "No such record (or not yours)"),
        (409, "The record's state does not allow this (e.g. a bid that lost a race)"),
        (413, "The body is too large"), (422, "Invalid fields, one entry each"),
        (429, "Too many requests: see Retry-After"), (503, "The store is unreachable: retry shortly"))}
ROUTERS = (auth.router, users.router, cars.router, auctions.router, bids.router, dealers.router,
           lots.router, me.router, fees.router, reports.router)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    to_thread.current_default_thread_limiter().total_tokens = get_api_settings().worker_threads
    async with store_prepared_when_up(app.state):  # the store may be down: start anyway (api/startup.py)
        # What start-up built (routes, models, compiled statements) lives as long as the process: out
        # of the collector's sight, so its full collections stop walking it while requests wait.
        gc.collect()
        gc.freeze()
        yield


def create_app() -> FastAPI:
    settings = get_api_settings()
    configure_logging()
    app = FastAPI(title="Car auction API", version="1.0", openapi_url=f"{PREFIX}/openapi.json",
                  docs_url=None, redoc_url=None, lifespan=lifespan,
                  dependencies=[Depends(reject_unknown_query), Depends(reject_unknown_body)])
    app.state.limits = RateLimits(settings)
    app.state.reads = ReadCaches(settings.read_cache_seconds)
    app.state.imports = CapacityLimiter(settings.import_threads)  # workbooks: api/routes/cars.py
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router, prefix=PREFIX, responses=ERROR_RESPONSES)
    app.include_router(ops.router, responses=ERROR_RESPONSES)
    mount_docs(app, base=f"{PREFIX}/docs", spec=f"{PREFIX}/openapi.json")
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=False,
                       allow_methods=["GET", "POST", "PUT", "DELETE"],
                       allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
                       expose_headers=["X-Request-ID", "Retry-After", "Idempotent-Replayed"])
    app.add_middleware(Gate)
    return app


app = create_app()
