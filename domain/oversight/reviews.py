"""The admin review queue: accounts flagged by a rule (too many bid retractions), suspended or cleared.

A flag is raised inside the transaction of the act that crossed the threshold, so it cannot be lost;
an account has at most one open review per reason (the user's row is locked while checking).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, func, select

from data.models import AccountReview, AuditLog, User
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.errors import InvalidTransition, NotFound
from domain.oversight.admin import user_set_status
from domain.permissions import Action, Actor, require
from domain.types import UserStatus

RETRACTIONS = "retractions"


@dataclass(frozen=True)
class ReviewView:
    id: int
    user_id: int
    email: str
    name: str
    reason: str
    detail: str
    flagged_at: datetime


def flag_if_retracting_too_often(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """Count the bidder's retractions in the rolling window; at the threshold, open a review."""
    settings = get_settings()
    since = now - timedelta(days=settings.retractions_review_days)
    count = uow.session.exec(select(func.count()).select_from(AuditLog).where(
        AuditLog.actor_id == user_id, AuditLog.action == "bid_retract", col(AuditLog.at) >= since)).one()
    if count < settings.retractions_review_threshold:
        return False
    uow.session.exec(select(User.id).where(User.id == user_id).with_for_update()).first()
    if _open_review(uow, user_id, RETRACTIONS) is not None:
        return False
    uow.session.add(AccountReview(user_id=user_id, reason=RETRACTIONS, flagged_at=now, detail=(
        f"{count} bid retractions in the last {settings.retractions_review_days} days")))
    return True


def reviews_open(actor: Actor) -> list[ReviewView]:
    require(actor, Action.MANAGE_USERS)
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(AccountReview, User).join(User, col(User.id) == AccountReview.user_id)
                                .where(AccountReview.status == "open")
                                .order_by(col(AccountReview.flagged_at).desc())).all()
        return [ReviewView(r.id or 0, u.id or 0, u.email, u.name, r.reason, r.detail, r.flagged_at)
                for r, u in rows]


def review_resolve(actor: Actor, review_id: int, *, suspend: bool, note: str = "") -> None:
    """Clear the flag, or suspend the account (signed out everywhere) and close the flag."""
    require(actor, Action.MANAGE_USERS)
    with UnitOfWork(write=False) as uow:
        review = uow.session.get(AccountReview, review_id)
        if review is None:
            raise NotFound("No such review.")
        if review.status != "open":
            raise InvalidTransition("This review was already resolved.")
        user_id = review.user_id
    if suspend:
        user_set_status(actor, user_id, status=UserStatus.SUSPENDED,
                        reason=note or "Suspended after review: too many bid retractions")
    with UnitOfWork() as uow:
        review = uow.session.get(AccountReview, review_id)
        if review is None or review.status != "open":
            raise InvalidTransition("This review was already resolved.")
        review.status = "suspended" if suspend else "cleared"
        review.resolved_by, review.resolved_at = actor.id, utcnow()
        uow.audit(actor_id=actor.id, action=f"review_{review.status}", entity="account_reviews",
                  entity_id=review_id, after={"user_id": user_id, "note": note})
        uow.commit()


def _open_review(uow: UnitOfWork, user_id: int, reason: str) -> AccountReview | None:
    return uow.session.exec(select(AccountReview).where(
        AccountReview.user_id == user_id, AccountReview.reason == reason,
        AccountReview.status == "open")).first()
