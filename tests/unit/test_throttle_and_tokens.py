"""Pure rules of signing in: the throttle curve, token lifetime, password hashing defaults."""

from __future__ import annotations

import os
from datetime import timedelta

import jwt
import pytest

from data.settings import Settings
from data.types import utcnow
from domain.accounts.auth import throttle_delay
from domain.accounts.security import JWT_ALGORITHM, issue_token, read_token


def test_no_delay_before_the_limit_then_bounded_growth() -> None:
    assert [throttle_delay(n, 5) for n in range(5)] == [0.0] * 5
    delays = [throttle_delay(n, 5) for n in range(5, 20)]
    assert delays == sorted(delays) and delays[0] > 0 and max(delays) <= 8.0


def test_bcrypt_cost_defaults_to_twelve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BCRYPT_ROUNDS")
    assert Settings().bcrypt_rounds == 12


def test_session_tokens_cannot_outlive_an_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_MINUTES", "90")
    with pytest.raises(ValueError, match="less than or equal to 60"):
        Settings()


def test_token_carries_expiry_and_is_signed() -> None:
    now = utcnow()
    token = issue_token(user_id=7, session_id="abc", now=now, ttl=timedelta(minutes=60))
    claims = jwt.decode(token, os.environ["JWT_SECRET"], algorithms=[JWT_ALGORITHM],
                        audience="car-auction")
    assert claims["exp"] - claims["iat"] == 3600
    assert read_token(token).user_id == 7
