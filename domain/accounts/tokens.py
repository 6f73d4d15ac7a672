"""API tokens (the HTTP adapter's sign-in: api/routes/auth.py). The access token is the session token
of domain.accounts.auth (so every request's `session_resolve` sees logout, suspension and password
changes at once); the refresh token is a random secret stored only as its SHA-256, rotated on every
use. A used or revoked refresh token presented again means it was stolen or replayed: its whole family
and the session behind it are revoked."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from data.models import AuthSession, RefreshToken, User
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.auth import session_close, user_login
from domain.accounts.security import issue_token
from domain.errors import SessionExpired
from domain.types import UserStatus

ENDED = "Your session has ended. Please sign in again."
REUSED = "This refresh token was already used, so its sessions are now signed out. Please sign in again."


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user_id: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _ttl() -> timedelta:
    return timedelta(minutes=get_settings().session_minutes)


def tokens_login(*, email: str, password: str, address: str, refresh_days: int) -> TokenPair:
    signed = user_login(email=email, password=password, address=address)
    assert signed.actor.session_id is not None
    now = utcnow()
    with UnitOfWork() as uow:
        refresh = _issue(uow, family=secrets.token_urlsafe(32), user_id=signed.actor.id,
                         session_id=signed.actor.session_id, now=now, days=refresh_days)
        uow.commit()
    return TokenPair(signed.token, refresh, int(_ttl().total_seconds()), signed.actor.id)


def _issue(uow: UnitOfWork, *, family: str, user_id: int, session_id: str, now: datetime,
           days: int) -> str:
    token = secrets.token_urlsafe(32)
    uow.session.add(RefreshToken(id=_digest(token), family=family, user_id=user_id, session_id=session_id,
                                 created_at=now, expires_at=now + timedelta(days=days)))
    return token


def tokens_refresh(refresh_token: str, *, refresh_days: int, now: datetime | None = None) -> TokenPair:
    now = now or utcnow()
    with UnitOfWork() as uow:
        row = uow.session.exec(select(RefreshToken).where(RefreshToken.id == _digest(refresh_token))
                               .with_for_update()).first()
        if row is None:
            raise SessionExpired(ENDED)
        if row.used_at is not None or row.revoked_at is not None:
            _revoke_family(uow, row.family, now)
            uow.commit()
            raise SessionExpired(REUSED)
        session = _live_session(uow, row, now)
        row.used_at = now
        session.expires_at = now + _ttl()  # the session lives on while its refresh tokens do
        token = _issue(uow, family=row.family, user_id=row.user_id, session_id=row.session_id, now=now,
                       days=refresh_days)
        uow.commit()
    access = issue_token(user_id=row.user_id, session_id=row.session_id, now=now, ttl=_ttl())
    return TokenPair(access, token, int(_ttl().total_seconds()), row.user_id)


def _live_session(uow: UnitOfWork, row: RefreshToken, now: datetime) -> AuthSession:
    session = uow.session.get(AuthSession, row.session_id)
    user = uow.session.get(User, row.user_id)
    if (row.expires_at <= now or session is None or session.revoked_at is not None or user is None
            or user.status != UserStatus.ACTIVE):
        raise SessionExpired(ENDED)
    return session


def _revoke_family(uow: UnitOfWork, family: str, now: datetime) -> None:
    sessions = select(RefreshToken.session_id).where(RefreshToken.family == family)
    uow.session.execute(update(RefreshToken).where(col(RefreshToken.family) == family,
                                                   col(RefreshToken.revoked_at).is_(None))
                        .values(revoked_at=now))
    uow.session.execute(update(AuthSession).where(col(AuthSession.id).in_(sessions),
                                                  col(AuthSession.revoked_at).is_(None))
                        .values(revoked_at=now))


def tokens_logout(access_token: str, session_id: str | None) -> None:
    """The session ends everywhere, and its refresh tokens with it."""
    session_close(access_token)
    with UnitOfWork() as uow:
        uow.session.execute(update(RefreshToken).where(col(RefreshToken.session_id) == (session_id or ""),
                                                       col(RefreshToken.revoked_at).is_(None))
                            .values(revoked_at=utcnow()))
        uow.commit()
