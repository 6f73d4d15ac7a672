"""/healthz (the process answers), /readyz (the store answers), /metrics (Prometheus)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.security import HTTPAuthorizationCredentials

from api import breaker
from api.deps import bearer, token_of
from api.envelope import Envelope, ok
from api.metrics import CONTENT_TYPE, exposition
from api.settings import get_api_settings
from domain.accounts.auth import session_resolve
from domain.oversight.health import store_ping
from domain.permissions import Action, require

router = APIRouter(tags=["operations"])
OPS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


@router.get("/healthz")
async def healthz() -> Envelope[dict[str, str]]:
    return ok({"process": "up"})


@router.get("/readyz")
def readyz() -> Envelope[dict[str, str]]:
    store_ping()  # an unreachable store answers 503 through the error handlers
    breaker.reset()
    return ok({"process": "up", "store": "up"})


def metrics_reader(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """The scraper's token (API_METRICS_TOKEN), or an admin's access token."""
    token = token_of(credentials)
    expected = get_api_settings().metrics_token
    if expected and secrets.compare_digest(token.encode(), expected.encode()):
        return
    require(session_resolve(token), Action.VIEW_PLATFORM_METRICS)


@router.get("/metrics", include_in_schema=False, dependencies=[Depends(metrics_reader)])
def metrics() -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE)
