"""The route table against the seed, the OpenAPI document and local docs, the envelope on framework
errors, headers, CORS, body limits, request ids, probes, metrics, logs, and the store going away."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import get_api_settings
from tests.api.support import API, auth, body
from tests.support import stores
from tests.support.factories import make_admin, make_user

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "car-auction-system-design.md"
EXTRA = {("GET", "/api/v1/lots/{}"), ("POST", "/api/v1/lots/{}/buy-now"),
         ("POST", "/api/v1/lots/{}/decision"),
         ("GET", "/api/v1/watchlist"), ("POST", "/api/v1/watchlist/{}"), ("DELETE", "/api/v1/watchlist/{}"),
         ("GET", "/api/v1/notifications"), ("POST", "/api/v1/notifications/read"),
         ("POST", "/api/v1/bids/{}/void"), ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"),
         ("POST", "/api/v1/auth/password-reset"), ("POST", "/api/v1/auth/password-reset/confirm"),
         ("POST", "/api/v1/auth/verify-email"), ("POST", "/api/v1/reports"),
         ("GET", "/api/v1/me/email-preferences"), ("PUT", "/api/v1/me/email-preferences"),
         ("GET", "/api/v1/fees"), ("GET", "/api/v1/fees/history"), ("PUT", "/api/v1/fees/buyer-premium"),
         ("PUT", "/api/v1/fees/seller-fee"), ("PUT", "/api/v1/fees/seller-fee/dealers/{}")}


EXCERPT = Path(__file__).with_name("seed_endpoints.md")  # the seed's endpoint list, kept in the repo


def seed_section(document: Path) -> str:
    return document.read_text().split("### API Endpoints Design", 1)[1].split("\n---", 1)[0]


def seed_routes() -> set[tuple[str, str]]:
    text = seed_section(EXCERPT)
    found = re.findall(r"^(GET|POST|PUT|DELETE)\s+(/api/v1/\S+)", text, flags=re.MULTILINE)
    return {(method, re.sub(r":\w+", "{}", path)) for method, path in found}


def app_routes() -> set[tuple[str, str]]:
    routes = set()
    for context in iter_route_contexts(create_app().routes):
        path = context.path_format or ""
        if path.startswith("/api/v1/docs") or path.endswith("openapi.json"):
            continue
        for method in getattr(context.original_route, "methods", set()) - {"HEAD"}:
            routes.add((method, re.sub(r"\{\w+\}", "{}", path)))
    return routes


@pytest.mark.skipif(not SEED.is_file(), reason="the seed document is not beside this checkout")
def test_the_kept_endpoint_list_is_the_seeds() -> None:
    assert seed_section(EXCERPT).strip() == seed_section(SEED).strip()


def test_every_seed_endpoint_is_served_and_nothing_unlisted() -> None:
    seed = seed_routes()
    assert len(seed) == 39
    assert app_routes() == seed | EXTRA


def test_openapi_and_local_docs(sqlite_client: TestClient) -> None:
    spec = sqlite_client.get(f"{API}/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    bid_post = spec["paths"]["/api/v1/bids"]["post"]
    assert {"401", "409", "422", "429"} <= set(bid_post["responses"])
    page = sqlite_client.get(f"{API}/docs")
    assert page.status_code == 200 and "cdn" not in page.text and "<script>" not in page.text
    for src in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert src.startswith(f"{API}/docs/"), src
        assert sqlite_client.get(src).status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_headers_request_id_and_cors(sqlite_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    response = sqlite_client.get("/healthz", headers={"X-Request-ID": "trace-abc.1"})
    assert response.headers["X-Request-ID"] == "trace-abc.1"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert response.headers["Referrer-Policy"] and response.headers["Content-Security-Policy"]
    made = sqlite_client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    monkeypatch.setenv("API_CORS_ORIGINS", "https://cars.example")
    get_api_settings.cache_clear()
    cors = TestClient(create_app())
    allowed = cors.options(f"{API}/bids", headers={"Origin": "https://cars.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert allowed.headers["access-control-allow-origin"] == "https://cars.example"
    other = cors.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_framework_errors_wear_the_envelope(sqlite_client: TestClient) -> None:
    body(sqlite_client.get(f"{API}/nowhere"), 404)
    wrong_method = sqlite_client.patch(f"{API}/bids")
    body(wrong_method, 405)
    assert "GET" in wrong_method.headers["Allow"]
    body(sqlite_client.post(f"{API}/auth/login", content=b"{not json", headers={"Content-Type":
                                                                                "application/json"}), 422)
    body(sqlite_client.get(f"{API}/bids/abc", headers=auth(sqlite_client, make_user())), 422)


def test_body_size_limits(sqlite_client: TestClient) -> None:
    big = json.dumps({"email": "a@example.com", "password": "x" * 70_000})
    body(sqlite_client.post(f"{API}/auth/login", content=big, headers={"Content-Type": "application/json"}),
         413)

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(80):
            yield b"x" * 1024

    body(sqlite_client.post(f"{API}/auth/login", content=chunks(), headers={"Content-Type":
                                                                             "application/json"}), 413)


def test_probes_metrics_and_logs(sqlite_client: TestClient) -> None:
    handler = next(h for h in logging.getLogger("api").handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    assert body(sqlite_client.get("/healthz"), 200) == {"process": "up"}
    assert body(sqlite_client.get("/readyz"), 200)["store"] == "up"
    user, boss = make_user(), make_admin()
    body(sqlite_client.get(f"{API}/bids", headers=auth(sqlite_client, user)), 200)
    body(sqlite_client.get("/metrics"), 401)
    body(sqlite_client.get("/metrics", headers=auth(sqlite_client, user)), 403)
    text = sqlite_client.get("/metrics", headers=auth(sqlite_client, boss)).text
    assert 'api_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert "api_request_duration_seconds_bucket" in text and "api_rate_limited_total" in text
    handler.setStream(previous)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    logins = [line for line in lines if line.get("route") == "/api/v1/auth/login"]
    assert logins and all(line["request_id"] for line in logins)
    assert any(line.get("user_id") == user.id for line in lines if line.get("route") == "/api/v1/bids")
    joined = json.dumps(lines)
    assert "Correct-Horse" not in joined and "Bearer" not in joined


def test_an_unreachable_store_answers_503_at_once_and_recovers(client: TestClient) -> None:
    user = make_user()
    headers = auth(client, user)
    url = stores.get_engine().url.render_as_string(hide_password=False)
    if url.startswith("sqlite"):
        stores.use_store("sqlite:////nonexistent-dir/nowhere/store.db")
    else:
        stores.use_store(re.sub(r"@[^/]+/", "@127.0.0.1:1/", url))
    try:
        down = client.get(f"{API}/bids", headers=headers)
        body(down, 503)
        assert down.headers["Retry-After"] and "Traceback" not in down.text
        body(client.get(f"{API}/bids", headers=headers), 503)  # the breaker answers without the store
        body(client.get("/readyz"), 503)
    finally:
        stores.use_store(url)
    body(client.get("/readyz"), 200)
    body(client.get(f"{API}/bids", headers=headers), 200)
