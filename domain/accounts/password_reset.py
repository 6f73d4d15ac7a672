"""Forgotten passwords: a reset link by email, then a new password that signs out every session.

Asking always answers the same (an unknown address is not revealed) and is limited per address per
hour, so the form cannot be used to flood someone's inbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from data.models import User
from data.outbox import outbox_count_since
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.email_links import RESET, link_send, link_user
from domain.accounts.security import hash_password
from domain.accounts.users import sessions_revoke
from domain.accounts.validation import check_password_strength, clean_email, collect
from domain.errors import ValidationFailed
from domain.types import UserStatus

BAD_LINK = ("This reset link is not valid: it has expired, was already used, or the password was "
            "changed since. Ask for a new link.")
ASKED = "If an account uses this email, a reset link is on its way. It works for a limited time."


def password_reset_request(email: str, *, now: datetime | None = None) -> str:
    """Queue a reset email for an active account (at most N an hour); the answer never tells which.
    An address that is not one at all (empty, mistyped) is refused: "on its way" would be a lie."""
    now, settings = now or utcnow(), get_settings()
    key = collect({"email": lambda: clean_email(email)})["email"]
    with UnitOfWork() as uow:
        user = uow.session.exec(select(User).where(User.email == key)).first()
        if user is None or user.status != UserStatus.ACTIVE or outbox_count_since(
                uow.session, kind=RESET, to=key, since=now - timedelta(hours=1)
        ) >= settings.password_resets_per_hour:
            return ASKED
        link_send(uow, user, RESET, now=now, ttl=timedelta(minutes=settings.password_reset_minutes),
                  subject="Reset your AutoGavel password",
                  text="Someone (hopefully you) asked to reset your password. Choose a new one here:")
        uow.audit(actor_id=user.id, action="password_reset_request", entity="users", entity_id=user.id)
        uow.commit()
    return ASKED


def password_reset_confirm(token: str, new_password: str, *, now: datetime | None = None) -> str:
    """Set the new password once per link; every session of the user is signed out. Returns the email."""
    now = now or utcnow()
    with UnitOfWork() as uow:
        user = link_user(uow, token, RESET, now=now, problem=BAD_LINK)
        fields = collect({"new_password": lambda: check_password_strength(new_password, email=user.email)})
        # Guarded on the hash the link was bound to: of two uses at once, exactly one succeeds.
        changed = uow.session.execute(
            update(User).where(col(User.id) == user.id, col(User.password_hash) == user.password_hash)
            .values(password_hash=hash_password(fields["new_password"]), password_changed_at=now,
                    updated_at=now))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise ValidationFailed({"token": BAD_LINK})
        assert user.id is not None
        uow.record_change("users", [user.id])  # a Core UPDATE: the change log is ours to write
        sessions_revoke(uow, user.id, keep=None)
        uow.audit(actor_id=user.id, action="password_reset", entity="users", entity_id=user.id)
        uow.commit()
        return user.email
