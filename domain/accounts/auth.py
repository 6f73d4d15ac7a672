"""Signing in and out, and the sessions behind the browser cookie.

A session is a row (revocable everywhere at once) plus a signed JWT naming it (expires within the
hour, renewed while the user is active). Failed logins are counted in the store per email and
address: five failures lock that pair for 15 minutes, and slow that email down from every address
(never locking it), so a rival cannot lock a bidder out of their own devices.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from data.auth_store import (
    login_failure_record,
    login_failures_since,
    session_actor_rows,
    session_claim_cookie,
)
from data.db import get_engine
from data.models import AuthSession, LoginFailure, User
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.security import issue_token, read_token, verify_against_dummy, verify_password
from domain.accounts.users import actor_load
from domain.accounts.validation import BCRYPT_MAX_BYTES
from domain.errors import InvalidCredentials, LoginLocked, SessionExpired
from domain.oversight.reviews import flag_locked_out
from domain.permissions import Actor
from domain.types import DealerStatus, Role, UserStatus

HANDOFF_TTL = timedelta(seconds=60)
BAD_CREDENTIALS = "Email or password is incorrect."
sleep: Callable[[float], None] = time.sleep  # replaced in tests


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    token: str


def throttle_delay(recent_failures: int, max_failures: int) -> float:
    """Seconds to wait before checking a password for an email under attack: grows, but is bounded."""
    excess = recent_failures - max_failures + 1
    return 0.0 if excess <= 0 else min(0.25 * 2 ** excess, 8.0)


def user_login(*, email: str, password: str, address: str, now: datetime | None = None) -> SignedIn:
    now = now or utcnow()
    key = (email or "").strip().lower()[:254]
    if len((password or "").encode()) > BCRYPT_MAX_BYTES:
        raise InvalidCredentials(f"Passwords are at most {BCRYPT_MAX_BYTES} bytes long; "
                                 "this one is longer, so it cannot be yours.")
    _refuse_if_locked(key, address, now)
    with UnitOfWork() as uow:
        user = uow.session.exec(select(User).where(User.email == key)).first()
        if user is None:
            verify_against_dummy(password)
        if user is None or not verify_password(password, user.password_hash):
            _count_failure(uow, key, address, now)
            raise InvalidCredentials(BAD_CREDENTIALS)
        if user.status != UserStatus.ACTIVE:
            raise InvalidCredentials("This account is suspended. Contact support to reinstate it.")
        _forget_failures(uow, key, address)
        session_id, token = session_open(uow, user_id=_id(user), address=address, now=now)
        uow.audit(actor_id=user.id, action="login", entity="users", entity_id=user.id)
        uow.commit()
        return SignedIn(actor_load(uow, _id(user), session_id=session_id), token)


def _refuse_if_locked(email: str, address: str, now: datetime) -> None:
    settings = get_settings()
    with UnitOfWork(write=False) as uow:
        row = uow.session.get(LoginFailure, (email, address))
        recent = login_failures_since(uow.session, email=email,
                                      since=now - timedelta(minutes=settings.login_lock_minutes))
    if row and row.locked_until and row.locked_until > now:
        minutes = max(1, round((row.locked_until - now).total_seconds() / 60))
        raise LoginLocked(f"Too many failed sign-ins from this device. Try again in {minutes} "
                          "minutes, or reset your password.")
    sleep(throttle_delay(recent, settings.login_max_failures))


def _count_failure(uow: UnitOfWork, email: str, address: str, now: datetime) -> None:
    settings = get_settings()
    uow.session.rollback()
    failures = login_failure_record(uow.session, email=email, address=address, now=now,
                                    max_failures=settings.login_max_failures,
                                    lock=timedelta(minutes=settings.login_lock_minutes))
    if failures >= settings.login_max_failures:  # this failure locked the pair: an admin looks at it
        flag_locked_out(uow, email=email, address=address, failures=failures, now=now)
    uow.commit()


def _forget_failures(uow: UnitOfWork, email: str, address: str) -> None:
    row = uow.session.get(LoginFailure, (email, address))
    if row is not None:
        uow.session.delete(row)


def session_open(uow: UnitOfWork, *, user_id: int, address: str | None,
                 now: datetime) -> tuple[str, str]:
    """A new session row and its token: (session id, token)."""
    ttl = timedelta(minutes=get_settings().session_minutes)
    row = AuthSession(id=secrets.token_urlsafe(32), user_id=user_id, created_at=now,
                      expires_at=now + ttl, address=(address or "")[:64] or None)
    uow.session.add(row)
    return row.id, issue_token(user_id=user_id, session_id=row.id, now=now, ttl=ttl)


def session_resolve(token: str, *, now: datetime | None = None) -> Actor:
    """The actor behind a token, if its session is still open and its user still active: one query
    per call (every API request and every page run), so a logout, a suspension or a password change
    (which revokes the sessions) takes effect at once."""
    now = now or utcnow()
    claims = read_token(token, now=now)
    rows = session_actor_rows(get_engine(), session_id=claims.session_id, user_id=claims.user_id,
                              now=now, active=UserStatus.ACTIVE)
    if not rows:
        raise SessionExpired("Your session has ended. Please sign in again.")
    user_id, email, name, timezone, _role, dealer_id, dealer_status = rows[0]
    return Actor(id=user_id, email=email, name=name, roles=frozenset(Role(r[4]) for r in rows if r[4]),
                 dealer_id=dealer_id, dealer_verified=dealer_status == DealerStatus.VERIFIED,
                 session_id=claims.session_id, timezone=timezone)


def session_renew(token: str, *, now: datetime | None = None) -> str:
    """A fresh token for the same session, moving its expiry forward (the user is active)."""
    now = now or utcnow()
    claims = read_token(token, now=now)
    ttl = timedelta(minutes=get_settings().session_minutes)
    with UnitOfWork() as uow:
        row = uow.session.get(AuthSession, claims.session_id)
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise SessionExpired("Your session has ended. Please sign in again.")
        row.expires_at = now + ttl
        uow.commit()
    return issue_token(user_id=claims.user_id, session_id=claims.session_id, now=now, ttl=ttl)


def session_close(token: str) -> None:
    """Log out: the session stops working in every tab and every app process."""
    try:
        claims = read_token(token)
    except SessionExpired:
        return
    with UnitOfWork() as uow:
        row = uow.session.get(AuthSession, claims.session_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
            uow.audit(actor_id=row.user_id, action="logout", entity="users", entity_id=row.user_id)
            uow.commit()


def handoff_ticket(token: str, *, now: datetime | None = None) -> str:
    """A one-minute, one-use ticket that lets the cookie route set the session cookie."""
    claims = read_token(token)
    return issue_token(user_id=claims.user_id, session_id=claims.session_id, now=now or utcnow(),
                       ttl=HANDOFF_TTL, purpose="handoff")


def handoff_redeem(ticket: str, *, now: datetime | None = None) -> str:
    now = now or utcnow()
    claims = read_token(ticket, purpose="handoff", now=now)
    with UnitOfWork() as uow:
        claimed = session_claim_cookie(uow.session, session_id=claims.session_id, now=now)
        uow.commit()
    if not claimed:
        raise SessionExpired("This sign-in link was already used. Please sign in again.")
    return session_renew(issue_token(user_id=claims.user_id, session_id=claims.session_id,
                                     now=now, ttl=HANDOFF_TTL), now=now)


def _id(user: User) -> int:
    assert user.id is not None
    return user.id
