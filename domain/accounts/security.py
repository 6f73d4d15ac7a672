"""Password hashes (bcrypt) and session tokens (signed JWTs that expire within the hour)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import bcrypt
import jwt

from data.settings import get_settings
from data.types import utcnow
from domain.accounts.validation import BCRYPT_MAX_BYTES
from domain.errors import SessionExpired

JWT_ALGORITHM = "HS256"
TOKEN_AUDIENCE = "car-auction"  # noqa: S105 — a name, not a secret
ENDED = "Your session has ended. Please sign in again."


def hash_password(password: str) -> str:
    rounds = get_settings().bcrypt_rounds
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def verify_password(password: str, hashed: str) -> bool:
    encoded = password.encode()
    if len(encoded) > BCRYPT_MAX_BYTES:  # bcrypt 5 raises on these; they can never have been set
        encoded = encoded[:0]
    try:
        return bcrypt.checkpw(encoded, hashed.encode())
    except ValueError:  # a malformed stored hash (e.g. an anonymised account) never matches
        return False


@lru_cache(maxsize=4)
def dummy_hash(rounds: int) -> str:
    """Checked when the email is unknown, so a login costs the same whether the account exists."""
    return bcrypt.hashpw(b"no-such-account", bcrypt.gensalt(rounds=rounds)).decode()


def verify_against_dummy(password: str) -> None:
    verify_password(password, dummy_hash(get_settings().bcrypt_rounds))


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    session_id: str
    purpose: str
    expires_at: datetime


def issue_token(*, user_id: int, session_id: str, now: datetime, ttl: timedelta,
                purpose: str = "session") -> str:
    claims = {
        "sub": str(user_id), "sid": session_id, "typ": purpose, "aud": TOKEN_AUDIENCE,
        "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, _secret(purpose), algorithm=JWT_ALGORITHM)


def read_token(token: str, *, purpose: str = "session", now: datetime | None = None) -> TokenClaims:
    """Verify signature, audience and purpose; expiry is checked against `now` (the caller's clock)."""
    try:
        claims = jwt.decode(token, _secret(purpose), algorithms=[JWT_ALGORITHM], audience=TOKEN_AUDIENCE,
                            options={"require": ["exp", "sub", "sid", "typ"], "verify_exp": False,
                                     "verify_iat": False})
        expires = datetime.fromtimestamp(int(claims["exp"]), UTC)
    except (jwt.PyJWTError, ValueError, TypeError):
        raise SessionExpired(ENDED) from None
    if claims["typ"] != purpose or expires <= (now or utcnow()):
        raise SessionExpired(ENDED)
    return TokenClaims(int(claims["sub"]), str(claims["sid"]), purpose, expires)


def _secret(purpose: str) -> str:
    """Session tokens are signed with JWT_SECRET; the browser's cookie hand-off with COOKIE_KEY."""
    settings = get_settings()
    secret = settings.cookie_key if purpose == "handoff" else settings.jwt_secret
    assert secret, "settings refuse to load without JWT_SECRET and COOKIE_KEY"
    return secret
