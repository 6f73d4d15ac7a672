"""Store operations for sign-in that differ by dialect or must be atomic under concurrency."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from data.models import AuthSession, Dealer, LoginFailure, User, UserRole


def login_failure_record(
    session: Session, *, email: str, address: str, now: datetime, max_failures: int, lock: timedelta
) -> int:
    """Count one failure atomically (an upsert), locking the pair once it reaches `max_failures`;
    the pair's failures so far, this one included."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = LoginFailure.__table__  # type: ignore[attr-defined]
    failures = table.c.failures + 1
    statement = dialect.insert(table).values(
        email=email, address=address, failures=1, last_failed_at=now, locked_until=None
    )
    statement = statement.on_conflict_do_update(
        index_elements=["email", "address"],
        set_={
            "failures": failures,
            "last_failed_at": now,
            "locked_until": _lock_expression(failures, max_failures, now + lock),
        },
    ).returning(table.c.failures)
    return int(session.execute(statement).scalar_one())


def _lock_expression(failures: Any, max_failures: int, until: datetime) -> Any:
    current_lock = LoginFailure.__table__.c.locked_until  # type: ignore[attr-defined]
    return case((failures >= max_failures, until), else_=current_lock)


def login_failures_since(session: Session, *, email: str, since: datetime) -> int:
    query = select(func.coalesce(func.sum(LoginFailure.failures), 0)).where(
        col(LoginFailure.email) == email, col(LoginFailure.last_failed_at) >= since
    )
    return int(session.execute(query).scalar_one())


def session_claim_cookie(session: Session, *, session_id: str, now: datetime) -> bool:
    """The one-time hand-off to the cookie route: true for exactly one caller per session."""
    result = session.execute(
        update(AuthSession)
        .where(col(AuthSession.id) == session_id, col(AuthSession.cookie_issued).is_(False),
               col(AuthSession.revoked_at).is_(None), col(AuthSession.expires_at) > now)
        .values(cookie_issued=True)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


# Built once: every request runs it, and a statement object made per call would be walked again for
# SQLAlchemy's compiled-statement cache key each time.
_SESSION_ACTOR = (
    select(col(User.id), col(User.email), col(User.name), col(User.timezone), col(UserRole.role),
           col(Dealer.id), col(Dealer.status))
    .select_from(AuthSession)
    .join(User, col(User.id) == AuthSession.user_id)
    .outerjoin(UserRole, col(UserRole.user_id) == User.id)
    .outerjoin(Dealer, col(Dealer.user_id) == User.id)
    .where(col(AuthSession.id) == bindparam("session_id"), col(AuthSession.user_id) == bindparam("user_id"),
           col(AuthSession.revoked_at).is_(None), col(AuthSession.expires_at) > bindparam("now"),
           col(User.status) == bindparam("active"))
)


def session_actor_rows(engine: Engine, *, session_id: str, user_id: int, now: datetime,
                       active: str) -> list[tuple[Any, ...]]:
    """Every request's check, in one statement on an autocommit connection (no BEGIN, no ROLLBACK):
    the session if it is open and its user still has status `active`, with the user's fields, one row
    per role, and their dealer (if any). No rows: the session is over."""
    values = {"session_id": session_id, "user_id": user_id, "now": now, "active": active}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return [tuple(row) for row in conn.execute(_SESSION_ACTOR, values)]
