"""Register, login, logout, refresh: tokens, rotation, reuse detection, and who needs a token."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient

from data.types import utcnow
from domain.accounts.security import issue_token
from domain.oversight import admin
from domain.types import UserStatus
from tests.api.support import API, auth, body, error_fields, tokens
from tests.support.factories import PASSWORD, live_lot, lot_now, make_admin, make_user


def test_register_then_login(client: TestClient) -> None:
    user = body(client.post(f"{API}/auth/register", json={
        "email": "Asha@Example.com", "name": "Asha Rao", "password": PASSWORD}), 201)
    assert user["email"] == "asha@example.com" and user["roles"] == ["bidder"]
    assert "password_hash" not in user
    pair = body(client.post(f"{API}/auth/login", json={"email": "asha@example.com", "password": PASSWORD}),
                200)
    assert pair["token_type"] == "bearer" and 0 < pair["expires_in"] <= 3600
    me = body(client.get(f"{API}/users/{user['id']}",
                         headers={"Authorization": f"Bearer {pair['access_token']}"}), 200)
    assert me["id"] == user["id"]


def test_register_refuses_bad_fields_one_entry_each(client: TestClient) -> None:
    response = client.post(f"{API}/auth/register", json={"email": "nope", "name": "1", "password": "short"})
    body(response, 422)
    assert error_fields(response) == {"email", "name", "password"}
    missing = client.post(f"{API}/auth/register", json={"email": "a@example.com"})
    body(missing, 422)
    assert error_fields(missing) == {"name", "password"}


def test_register_twice_is_a_conflict(client: TestClient) -> None:
    make_user(email="taken@example.com")
    body(client.post(f"{API}/auth/register", json={
        "email": "taken@example.com", "name": "Other Person", "password": PASSWORD}), 409)


def test_five_failures_lock_the_device_with_429(client: TestClient) -> None:
    user = make_user()
    for _ in range(5):
        body(client.post(f"{API}/auth/login", json={"email": user.email, "password": "Wrong-pass-123"}), 401)
    locked = client.post(f"{API}/auth/login", json={"email": user.email, "password": PASSWORD})
    body(locked, 429)
    assert "Retry-After" in locked.headers


def test_wrong_password_is_401_and_says_the_same_for_unknown_emails(client: TestClient) -> None:
    user = make_user()
    wrong = client.post(f"{API}/auth/login", json={"email": user.email, "password": "Wrong-pass-123"})
    unknown = client.post(f"{API}/auth/login", json={"email": "ghost@example.com", "password": PASSWORD})
    body(wrong, 401)
    body(unknown, 401)
    assert wrong.json()["message"] == unknown.json()["message"]


def test_endpoints_need_a_valid_unexpired_token(client: TestClient) -> None:
    user = make_user()
    body(client.get(f"{API}/bids"), 401)
    body(client.get(f"{API}/bids", headers={"Authorization": "Bearer not-a-jwt"}), 401)
    expired = issue_token(user_id=user.id, session_id="x" * 43, now=utcnow() - timedelta(hours=2),
                          ttl=timedelta(minutes=60))
    response = client.get(f"{API}/bids", headers={"Authorization": f"Bearer {expired}"})
    body(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_logout_ends_the_access_and_the_refresh_token(client: TestClient) -> None:
    user = make_user()
    pair = tokens(client, user)
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    body(client.post(f"{API}/auth/logout", headers=headers), 200)
    body(client.get(f"{API}/bids", headers=headers), 401)
    body(client.post(f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]}), 401)


def test_refresh_rotates_and_a_reused_token_revokes_the_family(client: TestClient) -> None:
    user = make_user()
    first = tokens(client, user)
    second = body(client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]}), 200)
    assert second["refresh_token"] != first["refresh_token"]
    body(client.get(f"{API}/bids", headers={"Authorization": f"Bearer {second['access_token']}"}), 200)
    body(client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]}), 401)
    body(client.post(f"{API}/auth/refresh", json={"refresh_token": second["refresh_token"]}), 401)
    body(client.get(f"{API}/bids", headers={"Authorization": f"Bearer {second['access_token']}"}), 401)


def test_suspension_ends_tokens_at_once(client: TestClient) -> None:
    user, boss = make_user(), make_admin()
    pair = tokens(client, user)
    admin.user_set_status(boss, user.id, status=UserStatus.SUSPENDED, reason="Shill bidding")
    body(client.get(f"{API}/bids", headers={"Authorization": f"Bearer {pair['access_token']}"}), 401)
    body(client.post(f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]}), 401)


def test_logins_are_rate_limited_per_account(client: TestClient) -> None:
    user = make_user()
    for _ in range(10):
        tokens(client, user)
    limited = client.post(f"{API}/auth/login", json={"email": user.email, "password": PASSWORD})
    body(limited, 429)
    assert int(limited.headers["Retry-After"]) >= 1


def test_logout_needs_a_token(client: TestClient) -> None:
    body(client.post(f"{API}/auth/logout"), 401)
    user = make_user()
    body(client.post(f"{API}/auth/logout", headers=auth(client, user)), 200)


def test_busy_routes_check_the_session_before_their_work(client: TestClient) -> None:
    """The board, bids, buy-now and notifications check the session in the same thread hop as their
    work (api.deps.Caller): a logged-out token is refused there, and nothing is placed or bought."""
    user, lot = make_user(), live_lot()
    pair = tokens(client, user)
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    first = {"lot_id": lot.id, "max_amount": "300000"}
    bid = body(client.post(f"{API}/bids", json=first, headers=headers), 201)
    body(client.post(f"{API}/auth/logout", headers=headers), 200)
    attempts = [
        client.get(f"{API}/lots/{lot.id}", headers=headers),
        client.get(f"{API}/bids", headers=headers),
        client.get(f"{API}/notifications", headers=headers),
        client.post(f"{API}/bids", json={"lot_id": lot.id, "max_amount": "350000"}, headers=headers),
        client.put(f"{API}/bids/{bid['bid_id']}", json={"max_amount": "400000"}, headers=headers),
        client.post(f"{API}/lots/{lot.id}/buy-now", headers=headers),
    ]
    assert [response.status_code for response in attempts] == [401] * len(attempts)
    after = lot_now(lot.id or 0)
    assert (after.bid_count, after.current_price, after.outcome) == (1, Decimal("300000"), None)
