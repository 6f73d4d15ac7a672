"""One-time links sent by email (password reset, email verification).

A link carries a signed JWT that expires, naming the user and a fingerprint of the state it may change:
a reset link is bound to the current password hash, so it stops working once any password is set (it
is used once); a verification link is bound to the email address it was sent to.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import urlencode

from data.models import User
from data.outbox import outbox_add
from data.settings import get_settings
from data.uow import UnitOfWork
from domain.accounts.security import issue_token, read_token
from domain.errors import SessionExpired, ValidationFailed
from domain.types import UserStatus

RESET, VERIFY = "password_reset", "verify_email"
VERIFY_TTL = timedelta(hours=1)  # tokens live within the hour (NFR13); a new link is one click away
LINK_PAGES = {RESET: "reset_password", VERIFY: "verify_email"}


def _state(user: User, purpose: str) -> str:
    return user.password_hash if purpose == RESET else user.email


def _fingerprint(user_id: int | None, purpose: str, state: str) -> str:
    return hashlib.sha256(f"{purpose}:{user_id}:{state}".encode()).hexdigest()[:32]


def link_token(user: User, purpose: str, *, now: datetime, ttl: timedelta) -> str:
    assert user.id is not None
    return address_link_token(user.id, _state(user, purpose), purpose, now=now, ttl=ttl)


def address_link_token(user_id: int, address: str, purpose: str, *, now: datetime, ttl: timedelta) -> str:
    """A link bound to the address it is sent to, for a caller that has the address but not the row
    (a notice's email)."""
    return issue_token(user_id=user_id, session_id=_fingerprint(user_id, purpose, address), now=now,
                       ttl=ttl, purpose=purpose)


def app_url(page: str, **query: str) -> str:
    """An absolute link to a page of the app (APP_BASE_URL), for emails."""
    return f"{get_settings().app_base_url.rstrip('/')}/{page}?{urlencode(query)}"


def link_user(uow: UnitOfWork, token: str, purpose: str, *, now: datetime, problem: str) -> User:
    """The active user a link names, if it is genuine, unexpired and its state unchanged; else a 422."""
    try:
        claims = read_token(token or "", purpose=purpose, now=now)
    except SessionExpired:
        raise ValidationFailed({"token": problem}) from None
    user = uow.session.get(User, claims.user_id)
    if user is None or user.status != UserStatus.ACTIVE or not hmac.compare_digest(
            claims.session_id, _fingerprint(user.id, purpose, _state(user, purpose))):
        raise ValidationFailed({"token": problem})
    return user


def link_send(uow: UnitOfWork, user: User, purpose: str, *, now: datetime, ttl: timedelta,
              subject: str, text: str) -> None:
    """Queue the email in the caller's transaction: `text` is followed by the link and its lifetime."""
    url = app_url(LINK_PAGES[purpose], token=link_token(user, purpose, now=now, ttl=ttl))
    minutes = int(ttl.total_seconds() // 60)
    body = (f"Hello {user.name},\n\n{text}\n\n{url}\n\nThe link works for {minutes} minutes. "
            "If you did not ask for this, ignore this email.\n\n— AutoGavel\n")
    outbox_add(uow.session, kind=purpose, to=user.email, subject=subject, body=body, now=now)
