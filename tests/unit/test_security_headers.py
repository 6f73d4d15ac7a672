"""The app server's security headers (ui/http.py): on every HTTP answer, streamed ones included, without
overriding a header a route set itself, and with each streamed chunk passed on as it comes."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from ui.http import MIDDLEWARE, SECURITY_HEADERS


async def plain(_: Request) -> Response:
    return PlainTextResponse("hello", headers={"Referrer-Policy": "no-referrer"})


async def stream(_: Request) -> Response:
    async def events() -> AsyncIterator[str]:
        for n in range(3):
            yield f"event: board\ndata: {n}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


client = TestClient(Starlette(routes=[Route("/plain", plain), Route("/live", stream)], middleware=MIDDLEWARE))


def test_every_answer_carries_the_headers_and_a_route_keeps_its_own() -> None:
    response = client.get("/plain")
    assert response.text == "hello"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    for name, value in SECURITY_HEADERS.items():
        if name != "Referrer-Policy":
            assert response.headers[name] == value
    assert client.get("/nowhere").headers["X-Frame-Options"] == "DENY"  # a 404 too


def test_a_stream_carries_them_and_every_event() -> None:
    with client.stream("GET", "/live") as response:
        assert response.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
        assert "".join(response.iter_text()) == "".join(f"event: board\ndata: {n}\n\n" for n in range(3))
