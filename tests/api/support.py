"""Helpers for API tests: sign in through the API, and check the envelope on every answer."""

from __future__ import annotations

import time
from typing import Any

import httpx
from fastapi.testclient import TestClient

from domain.permissions import Actor
from tests.support.factories import PASSWORD

API = "/api/v1"
ENVELOPE_KEYS = {"status", "data", "message", "errors", "pagination"}


def body(response: httpx.Response, status: int) -> Any:
    """The answer's data, after checking its status and its envelope."""
    assert response.status_code == status, response.text
    payload = response.json()
    assert set(payload) == ENVELOPE_KEYS, payload
    assert payload["status"] == ("success" if status < 400 else "error")
    assert isinstance(payload["message"], str) and isinstance(payload["errors"], list)
    if status >= 400:
        assert payload["message"], "an error always says what went wrong"
    if payload["pagination"] is not None:
        assert set(payload["pagination"]) == {"page", "limit", "total", "pages"}
    return payload["data"]


def error_fields(response: httpx.Response) -> set[str]:
    return {item["field"] for item in response.json()["errors"]}


def tokens(client: TestClient, actor: Actor, password: str = PASSWORD) -> dict[str, Any]:
    data = body(client.post(f"{API}/auth/login", json={"email": actor.email, "password": password}), 200)
    assert isinstance(data, dict)
    return data


def auth(client: TestClient, actor: Actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens(client, actor)['access_token']}"}


def clear_of_a_minute_boundary(seconds: float = 5.0) -> None:
    """Sliding-window limits weigh the previous minute and round down, so a test that counts hits
    against an "N/minute" limit may see one extra allowed if it straddles a whole minute: start it
    where the next few seconds stay within one."""
    into_minute = time.time() % 60
    if into_minute > 60 - seconds:
        time.sleep(60 - into_minute + 0.05)
