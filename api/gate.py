"""The ASGI layer around every request: a request id, the body size limit, 503 at once while the store
is down, security headers, metrics and one JSON access-log line."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import breaker
from api.envelope import error_body
from api.errors import STORE_DOWN
from api.logs import request_context
from api.metrics import observe
from api.settings import get_api_settings
from api.startup import store_pending

log = logging.getLogger("api")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
UPLOAD_SUFFIX = "/cars/bulk-upload"
ALWAYS_OPEN = ("/healthz", "/readyz", "/metrics")
PROCESS_ONLY = ("/healthz", "/metrics")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "Referrer-Policy": "no-referrer-when-downgrade",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is over {limit // 1024} KB; send less.")


class Gate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        context: dict[str, Any] = {"request_id": _request_id(scope), "user_id": None, "status": 500}
        token = request_context.set(context)
        started = time.perf_counter()
        try:
            await self._handle(scope, receive, _sending(send, context), context)
        finally:
            _account(scope, context, time.perf_counter() - started)
            request_context.reset(token)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, context: dict[str, Any]) -> None:
        limit = _body_limit(scope["path"])
        if _declared_length(scope) > limit:
            await _answer(send, 413, error_body(BodyTooLarge(limit).detail))
        elif _store_unavailable(scope):
            await _answer(send, 503, error_body(STORE_DOWN), {"retry-after": "2"})
        else:
            await self.app(scope, _counting(receive, limit), send)


def _store_unavailable(scope: Scope) -> bool:
    """503 at once: the store tripped the breaker, or this process has not reached it since it started
    (then only the process's own probes answer: /readyz says 503 too)."""
    path: str = scope["path"]
    if store_pending(scope.get("app")):
        return not path.startswith(PROCESS_ONLY)
    return breaker.is_open() and not path.startswith(ALWAYS_OPEN)


def _request_id(scope: Scope) -> str:
    given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


def _body_limit(path: str) -> int:
    settings = get_api_settings()
    return settings.max_upload_bytes if path.endswith(UPLOAD_SUFFIX) else settings.max_body_bytes


def _declared_length(scope: Scope) -> int:
    value = dict(scope["headers"]).get(b"content-length", b"0")
    return int(value) if value.isdigit() else 0


def _counting(receive: Receive, limit: int) -> Receive:
    """Bodies sent without a length (chunked) are counted as they arrive."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise BodyTooLarge(limit)
        return message

    return wrapped


def _sending(send: Send, context: dict[str, Any]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            context["status"] = message["status"]
            headers = MutableHeaders(scope=message)
            headers["X-Request-ID"] = context["request_id"]
            for name, value in SECURITY_HEADERS.items():
                headers.setdefault(name, value)
        await send(message)

    return wrapped


async def _answer(send: Send, status: int, body: dict[str, Any], extra: dict[str, str] | None = None) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _template(scope: Scope) -> str:
    """The matched route's full path template (a bounded label), from FastAPI's route contexts."""
    app, route = scope.get("app"), scope.get("route")
    if app is None or route is None:
        return "unmatched"
    templates: dict[int, str] | None = getattr(app.state, "route_templates", None)
    if templates is None:
        templates = {id(c.original_route): c.path_format or "" for c in iter_route_contexts(app.routes)}
        app.state.route_templates = templates
    return templates.get(id(route), "unmatched")


def _account(scope: Scope, context: dict[str, Any], seconds: float) -> None:
    template = _template(scope)
    status = int(context["status"])
    observe(scope["method"], template, status, seconds)
    log.info("request", extra={"method": scope["method"], "route": template, "path": scope["path"],
                               "status": status, "duration_ms": round(seconds * 1000, 1)})
