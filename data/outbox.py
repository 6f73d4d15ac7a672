"""The email outbox in the store: rows are added inside the caller's transaction (a request that rolls
back sends nothing) and claimed by one sender at a time with a guarded UPDATE (any number of mailer
processes, on either database, never send one message twice at once)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.orm import Session as AnySession
from sqlmodel import Session, col, select

from data.models import EmailOutbox

PENDING, SENT, FAILED = "pending", "sent", "failed"


def outbox_add(session: AnySession, *, kind: str, to: str, subject: str, body: str, now: datetime,
               html: str | None = None, user_id: int | None = None, lot_id: int | None = None) -> None:
    session.add(EmailOutbox(kind=kind, to_address=to, subject=subject[:200], body=body, html=html,
                            user_id=user_id, lot_id=lot_id, created_at=now, next_attempt_at=now))


def outbox_count_since(session: Session, *, kind: str, to: str, since: datetime) -> int:
    query = select(func.count()).select_from(EmailOutbox).where(
        col(EmailOutbox.kind) == kind, col(EmailOutbox.to_address) == to,
        col(EmailOutbox.created_at) >= since)
    return int(session.exec(query).one())


def outbox_due(session: Session, *, now: datetime, limit: int) -> list[int]:
    query = (select(EmailOutbox.id).where(col(EmailOutbox.status) == PENDING,
                                          col(EmailOutbox.next_attempt_at) <= now)
             .order_by(col(EmailOutbox.next_attempt_at)).limit(limit))
    return [row for row in session.exec(query).all() if row is not None]


def outbox_claim(session: Session, message_id: int, *, now: datetime, lease: timedelta) -> bool:
    """True for exactly one sender: the message is put out of others' reach for `lease`."""
    result = session.execute(
        update(EmailOutbox)
        .where(col(EmailOutbox.id) == message_id, col(EmailOutbox.status) == PENDING,
               col(EmailOutbox.next_attempt_at) <= now)
        .values(next_attempt_at=now + lease)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def outbox_recent(session: Session, *, limit: int) -> list[EmailOutbox]:
    query = select(EmailOutbox).order_by(col(EmailOutbox.id).desc()).limit(limit)
    return list(session.exec(query).all())


def outbox_mark_sent(session: Session, message_id: int, *, now: datetime) -> None:
    session.execute(update(EmailOutbox).where(col(EmailOutbox.id) == message_id)
                    .values(status=SENT, sent_at=now, attempts=EmailOutbox.attempts + 1, last_error=None))


def outbox_mark_failed_attempt(session: Session, message_id: int, *, error: str, retry_at: datetime | None,
                               ) -> None:
    """One more failed attempt: tried again at `retry_at`, or given up (`failed`) when that is None."""
    values = {"attempts": EmailOutbox.attempts + 1, "last_error": error[:300]}
    if retry_at is None:
        values["status"] = FAILED
    else:
        values["next_attempt_at"] = retry_at
    session.execute(update(EmailOutbox).where(col(EmailOutbox.id) == message_id).values(**values))
