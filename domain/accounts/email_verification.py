"""Email verification: registration emails a link; following it marks the address verified.

An unverified account may sign in and bid (a banner asks it to verify), but cannot apply to sell:
a dealer's address must be known to reach them about sales.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from data.models import User
from data.outbox import outbox_count_since, outbox_recent
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.email_links import VERIFY, VERIFY_TTL, link_send, link_user
from domain.errors import EmailNotVerified
from domain.permissions import Action, Actor, require

BAD_LINK = "This verification link is not valid or has expired. Ask for a new one on your account page."
UNVERIFIED = ("Verify your email address first: follow the link we emailed you (or ask for a new one "
              "on your account page).")


def verification_queue(uow: UnitOfWork, user: User, *, now: datetime) -> None:
    """Queue the verification email in the caller's (registration's) transaction."""
    link_send(uow, user, VERIFY, now=now, ttl=VERIFY_TTL, subject="Confirm your AutoGavel email address",
              text="Welcome to AutoGavel. Please confirm this is your email address:")


def email_verify(token: str, *, now: datetime | None = None) -> str:
    """Mark the address the link was sent to as verified (again is fine); returns it."""
    now = now or utcnow()
    with UnitOfWork() as uow:
        user = link_user(uow, token, VERIFY, now=now, problem=BAD_LINK)
        if user.email_verified_at is None:
            user.email_verified_at = user.updated_at = now
            uow.audit(actor_id=user.id, action="verify_email", entity="users", entity_id=user.id)
            uow.commit()
        return user.email


def email_verified(actor: Actor) -> bool:
    with UnitOfWork(write=False) as uow:
        user = uow.session.get(User, actor.id)
        return user is not None and user.email_verified_at is not None


def require_verified_email(uow: UnitOfWork, actor: Actor) -> None:
    user = uow.session.get(User, actor.id)
    if user is None or user.email_verified_at is None:
        raise EmailNotVerified(UNVERIFIED)


def verification_resend(actor: Actor, *, now: datetime | None = None) -> str:
    """A new link, unless verified already or several were sent within the hour."""
    now = now or utcnow()
    with UnitOfWork() as uow:
        user = uow.session.get(User, actor.id)
        if user is None or user.email_verified_at is not None:
            return "Your email address is already verified."
        if outbox_count_since(uow.session, kind=VERIFY, to=user.email,
                              since=now - timedelta(hours=1)) >= get_settings().password_resets_per_hour:
            return "Several links were sent within the hour: use the latest, or try again later."
        verification_queue(uow, user, now=now)
        uow.commit()
    return f"A new verification link is on its way to {actor.email}."


@dataclass(frozen=True)
class OutboxView:
    """A queued email as an admin sees it; the body only where no mail server delivers (demo)."""

    id: int
    kind: str
    to: str
    subject: str
    status: str
    attempts: int
    created_at: datetime
    last_error: str | None
    body: str | None


def outbox_read(actor: Actor, *, limit: int = 100) -> list[OutboxView]:
    require(actor, Action.MANAGE_USERS)
    settings = get_settings()
    readable = bool(settings.demo_mode) and not settings.smtp_host
    with UnitOfWork(write=False) as uow:
        rows = outbox_recent(uow.session, limit=limit)
    return [OutboxView(row.id or 0, row.kind, row.to_address, row.subject, row.status, row.attempts,
                       row.created_at, row.last_error, row.body if readable else None) for row in rows]
