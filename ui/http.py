"""HTTP routes and headers mounted on Streamlit's own server through `st.App`.

Only these routes read or write the session cookie, so it can be HttpOnly: page scripts (and any
injected script) never see it. The login page hands over through a one-minute, one-use ticket.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import demo
from data.bootstrap import prepare_store
from data.settings import get_settings
from domain.accounts import auth
from domain.errors import Forbidden, NotFound, SessionExpired
from domain.reporting.downloads import download_claim, download_done
from ui.session import COOKIE_NAME
from ui.stream import end_streams_on_stop, live_stream

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    # Streamlit's front end needs inline styles and eval (Vega, Plotly), and loads components-v2
    # JavaScript (the live board, shipped in this repository) as blob: modules; everything else is 'self'.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        "connect-src 'self' ws: wss:; frame-src 'self' blob: data:; worker-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """Plain ASGI, headers added to the response's start. Not `BaseHTTPMiddleware`: that pipes every
    body chunk through a task and a memory stream, which every event of every live stream paid for
    (a third of a server's CPU while bids fanned out)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])  # optional in ASGI
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _with_cookie(response: Response, token: str) -> Response:
    settings = get_settings()
    response.set_cookie(COOKIE_NAME, token, max_age=settings.session_minutes * 60, httponly=True,
                        secure=settings.secure_cookies, samesite="lax", path="/")
    return response


async def start_session(request: Request) -> Response:
    try:
        token = await run_in_threadpool(auth.handoff_redeem, request.query_params.get("ticket", ""))
    except SessionExpired:
        return RedirectResponse("/login", status_code=303)
    back_to = _local(request.query_params.get("next", "/"))
    return _with_cookie(RedirectResponse(back_to, status_code=303), token)


def _local(address: str) -> str:
    """Only a path on this site (`/lot?id=7`): never `//host`, a scheme or a backslash trick, so the
    redirect after sign-in cannot send anyone elsewhere."""
    parts = urlsplit(address)
    on_site = address.startswith("/") and not parts.scheme and not parts.netloc and "\\" not in address
    return address if on_site and address.isprintable() else "/"


async def refresh_session(request: Request) -> Response:
    try:
        token = await run_in_threadpool(auth.session_renew, request.cookies.get(COOKIE_NAME, ""))
    except SessionExpired:
        return Response(status_code=401)
    return _with_cookie(Response(status_code=204), token)


async def end_session(request: Request) -> Response:
    await run_in_threadpool(auth.session_close, request.cookies.get(COOKIE_NAME, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


async def download(request: Request) -> Response:
    """A prepared report, streamed from disk to the user it was prepared for
    (domain/reporting/downloads.py)."""
    try:
        found = await run_in_threadpool(download_claim, request.query_params.get("ticket", ""),
                                        request.cookies.get(COOKIE_NAME, ""))
    except SessionExpired as error:
        return PlainTextResponse(f"{error} Then prepare the report again.", status_code=401)
    except Forbidden as error:
        return PlainTextResponse(str(error), status_code=403)
    except NotFound as error:
        return PlainTextResponse(str(error), status_code=404)
    return FileResponse(found.path, filename=found.file_name, background=BackgroundTask(download_done, found))


@asynccontextmanager
async def prepare_on_start(_app: object) -> AsyncIterator[None]:
    """Migrate (embedded store) and seed the demo before the server takes its first request, so no
    visitor waits on a half-built marketplace; then build, load and keep fresh the analytics copy in
    a background thread (`analytics.background`), so no dashboard waits for it either."""
    await run_in_threadpool(prepare_store, demo.seed_demo)
    from analytics import background  # DuckDB loads in that thread, not on the server's start path

    end_streams_on_stop()  # a stop must not wait for live streams, which never end on their own

    background.start()
    yield


ROUTES = [
    Route("/auth/session", start_session, methods=["GET"]),
    Route("/auth/refresh", refresh_session, methods=["POST"]),
    Route("/auth/logout", end_session, methods=["GET"]),
    Route("/downloads", download, methods=["GET"]),
    Route("/live", live_stream, methods=["GET"]),  # live boards by server-sent events (docs/LIVE.md)
]
MIDDLEWARE = [Middleware(SecurityHeaders)]
