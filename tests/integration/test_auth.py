"""Signing in on both stores: lockouts that hold across processes, sessions revoked everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from data.types import utcnow
from domain.accounts import auth
from domain.errors import InvalidCredentials, LoginLocked, SessionExpired
from domain.oversight import admin
from domain.types import UserStatus
from tests.support.factories import PASSWORD, make_admin, make_user


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Record the throttle's waits instead of sleeping through them."""
    waits: list[float] = []
    monkeypatch.setattr(auth, "sleep", waits.append)
    yield waits


def fail(email: str, address: str, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            auth.user_login(email=email, password="Wrong-Password-9", address=address)


def test_five_failures_lock_that_address_only(store: str, slept: list[float]) -> None:
    user = make_user()
    fail(user.email, "10.0.0.66", times=5)
    with pytest.raises(LoginLocked, match="Try again in 15 minutes"):
        auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.66")
    # the owner, from their own device, still gets in (slowed down, never locked out)
    assert auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.7").actor.id == user.id
    assert slept[-1] > 0


def test_lock_expires_after_fifteen_minutes(store: str, slept: list[float]) -> None:
    user = make_user()
    fail(user.email, "10.0.0.66", times=5)
    later = utcnow() + timedelta(minutes=16)
    assert auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.66", now=later)


def test_unknown_email_locks_and_answers_exactly_like_a_real_one(store: str, slept: list[float]) -> None:
    user = make_user()
    messages = []
    for email in (user.email, "nobody@example.com"):
        for _ in range(5):
            with pytest.raises(InvalidCredentials) as bad:
                auth.user_login(email=email, password="Wrong-Password-9", address="10.1.1.1")
            messages.append(str(bad.value))
        with pytest.raises(LoginLocked) as locked:
            auth.user_login(email=email, password="Wrong-Password-9", address="10.1.1.1")
        messages.append(str(locked.value))
    assert messages[:6] == messages[6:]


def test_success_clears_the_failure_count(store: str, slept: list[float]) -> None:
    user = make_user()
    fail(user.email, "10.0.0.5", times=4)
    auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.5")
    fail(user.email, "10.0.0.5", times=4)
    assert auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.5")


def test_overlong_password_is_a_clear_refusal_not_a_crash(store: str, slept: list[float]) -> None:
    user = make_user()
    with pytest.raises(InvalidCredentials, match="72 bytes"):
        auth.user_login(email=user.email, password="x" * 100, address="10.0.0.1")


def test_logout_revokes_the_session_everywhere(store: str) -> None:
    user = make_user()
    signed = auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.1")
    assert auth.session_resolve(signed.token).id == user.id
    auth.session_close(signed.token)
    with pytest.raises(SessionExpired):
        auth.session_resolve(signed.token)
    with pytest.raises(SessionExpired):
        auth.session_renew(signed.token)


def test_suspension_ends_sessions_and_blocks_login(store: str) -> None:
    boss, user = make_admin(), make_user()
    signed = auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.1")
    admin.user_set_status(boss, user.id, status=UserStatus.SUSPENDED, reason="chargebacks")
    with pytest.raises(SessionExpired):
        auth.session_resolve(signed.token)
    with pytest.raises(InvalidCredentials, match="suspended"):
        auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.1")
    admin.user_set_status(boss, user.id, status=UserStatus.ACTIVE, reason="resolved")
    assert auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.1")


def test_session_expires_and_renewal_moves_it_forward(store: str) -> None:
    user = make_user()
    signed = auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.1")
    with pytest.raises(SessionExpired):
        auth.session_resolve(signed.token, now=utcnow() + timedelta(minutes=61))
    renewed = auth.session_renew(signed.token, now=utcnow() + timedelta(minutes=40))
    assert auth.session_resolve(renewed, now=utcnow() + timedelta(minutes=90)).id == user.id


def test_cookie_handoff_ticket_works_once(store: str) -> None:
    user = make_user()
    signed = auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.1")
    ticket = auth.handoff_ticket(signed.token)
    with pytest.raises(SessionExpired):
        auth.session_resolve(ticket)  # a ticket is not a session token
    cookie_token = auth.handoff_redeem(ticket)
    assert auth.session_resolve(cookie_token).id == user.id
    with pytest.raises(SessionExpired, match="already used"):
        auth.handoff_redeem(ticket)


def test_tampered_or_foreign_tokens_are_refused(store: str) -> None:
    user = make_user()
    token = auth.user_login(email=user.email, password=PASSWORD, address="10.0.0.1").token
    head, body, signature = token.split(".")
    for bad in (f"{head}.{body}.{signature[::-1]}", "not-a-token", ""):
        with pytest.raises(SessionExpired):
            auth.session_resolve(bad)
