"""One-time email links without a store: they expire, are bound to the state they change (a reset
link dies with the password hash it was issued for), and one purpose is never another."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from data.models import User
from data.types import utcnow
from domain.accounts.email_links import RESET, VERIFY, link_token, link_user
from domain.accounts.security import issue_token
from domain.errors import ValidationFailed

NOW = utcnow()
TTL = timedelta(minutes=30)


def store_of(user: User) -> Any:
    """A unit of work whose session knows this one user."""
    return SimpleNamespace(session=SimpleNamespace(get=lambda model, key: user if key == user.id else None))


def a_user() -> User:
    return User(id=7, email="u@example.com", name="U", password_hash="$2b$04$first-hash", status="active")


def test_a_link_works_until_it_expires() -> None:
    user = a_user()
    token = link_token(user, RESET, now=NOW, ttl=TTL)
    assert link_user(store_of(user), token, RESET, now=NOW + TTL - timedelta(seconds=1), problem="x") is user
    with pytest.raises(ValidationFailed):
        link_user(store_of(user), token, RESET, now=NOW + TTL, problem="x")


def test_a_reset_link_dies_with_the_password_it_was_issued_for() -> None:
    user = a_user()
    token = link_token(user, RESET, now=NOW, ttl=TTL)
    user.password_hash = "$2b$04$second-hash"  # the link was used (or the password changed otherwise)
    with pytest.raises(ValidationFailed, match="gone"):
        link_user(store_of(user), token, RESET, now=NOW, problem="gone")


def test_purposes_and_users_do_not_mix() -> None:
    user = a_user()
    verify = link_token(user, VERIFY, now=NOW, ttl=TTL)
    session = issue_token(user_id=7, session_id="s", now=NOW, ttl=TTL)
    for token in (verify, session, "not-a-token", ""):
        with pytest.raises(ValidationFailed):
            link_user(store_of(user), token, RESET, now=NOW, problem="x")
    other = a_user()
    other.id = 8
    with pytest.raises(ValidationFailed):
        link_user(store_of(other), link_token(user, RESET, now=NOW, ttl=TTL), RESET, now=NOW, problem="x")


def test_a_suspended_account_cannot_use_its_link() -> None:
    user = a_user()
    token = link_token(user, RESET, now=NOW, ttl=TTL)
    user.status = "suspended"
    with pytest.raises(ValidationFailed):
        link_user(store_of(user), token, RESET, now=NOW, problem="x")
