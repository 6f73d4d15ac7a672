"""The admin review queue: accounts flagged by a rule, suspended or cleared. The rules: too many bid
retractions, a sign-in lockout, too many reports (domain/oversight/reports.py).

A flag is raised inside the transaction of the act that crossed the threshold, so it cannot be lost;
an account has at most one open review per reason (the user's row is locked while checking).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import col, func, select

from data.models import AccountReview, AuditLog, Report, User
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.errors import InvalidTransition, NotFound
from domain.oversight.admin import user_set_status
from domain.permissions import Action, Actor, require
from domain.types import UserStatus

RETRACTIONS, LOCKOUT, REPORTS = "retractions", "lockout", "reports"
REASON_LABELS = {RETRACTIONS: "too many bid retractions", LOCKOUT: "locked out after failed sign-ins",
                 REPORTS: "reported by other users"}


@dataclass(frozen=True)
class ReportLine:
    """One report against a flagged account, as the review queue lists it."""

    lot_id: int
    about: str
    reason: str
    note: str
    reporter_email: str
    created_at: datetime


@dataclass(frozen=True)
class ReviewView:
    id: int
    user_id: int
    email: str
    name: str
    reason: str
    detail: str
    flagged_at: datetime
    reports: list[ReportLine] = field(default_factory=list)

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)


def flag_if_retracting_too_often(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """Count the bidder's retractions in the rolling window; at the threshold, open a review."""
    settings = get_settings()
    since = now - timedelta(days=settings.retractions_review_days)
    count = uow.session.exec(select(func.count()).select_from(AuditLog).where(
        AuditLog.actor_id == user_id, AuditLog.action == "bid_retract", col(AuditLog.at) >= since)).one()
    if count < settings.retractions_review_threshold:
        return False
    return flag_raise(uow, user_id, RETRACTIONS, now,
                      f"{count} bid retractions in the last {settings.retractions_review_days} days")


def flag_locked_out(uow: UnitOfWork, *, email: str, address: str, failures: int, now: datetime) -> bool:
    """A sign-in lockout of an existing account (a guessed email that is no account flags nothing)."""
    user_id = uow.session.exec(select(User.id).where(User.email == email)).first()
    if user_id is None:
        return False
    return flag_raise(uow, user_id, LOCKOUT, now,
                      f"Sign-in locked after {failures} failed attempts from {address[:64]}")


def flag_if_reported_too_often(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """Count the distinct users who reported the account (or its store's listings) in the rolling
    window: distinct, so that no one user can put an account in review on their own."""
    settings = get_settings()
    since = now - timedelta(days=settings.reports_review_days)
    count = uow.session.exec(select(func.count(func.distinct(Report.reporter_id))).where(
        Report.accused_id == user_id, col(Report.created_at) >= since)).one()
    if count < settings.reports_review_threshold:
        return False
    return flag_raise(uow, user_id, REPORTS, now,
                      f"Reported by {count} users in the last {settings.reports_review_days} days")


def flag_raise(uow: UnitOfWork, user_id: int, reason: str, now: datetime, detail: str) -> bool:
    """Open a review of `user_id` for `reason`, unless one is open already; true if opened."""
    uow.session.exec(select(User.id).where(User.id == user_id).with_for_update()).first()
    if _open_review(uow, user_id, reason) is not None:
        return False
    uow.session.add(AccountReview(user_id=user_id, reason=reason, flagged_at=now, detail=detail[:300]))
    return True


def reviews_open(actor: Actor) -> list[ReviewView]:
    require(actor, Action.MANAGE_USERS)
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(AccountReview, User).join(User, col(User.id) == AccountReview.user_id)
                                .where(AccountReview.status == "open")
                                .order_by(col(AccountReview.flagged_at).desc())).all()
        return [ReviewView(r.id or 0, u.id or 0, u.email, u.name, r.reason, r.detail, r.flagged_at,
                           _reports_behind(uow, r) if r.reason == REPORTS else [])
                for r, u in rows]


def _reports_behind(uow: UnitOfWork, review: AccountReview) -> list[ReportLine]:
    """The reports against the account in the window that ended when it was flagged, and since."""
    since = review.flagged_at - timedelta(days=get_settings().reports_review_days)
    rows = uow.session.exec(select(Report, User.email).join(User, col(User.id) == Report.reporter_id)
                            .where(Report.accused_id == review.user_id, col(Report.created_at) >= since)
                            .order_by(col(Report.created_at).desc())).all()
    return [ReportLine(r.lot_id, r.about, r.reason, r.note, email, r.created_at) for r, email in rows]


def review_resolve(actor: Actor, review_id: int, *, suspend: bool, note: str = "") -> None:
    """Clear the flag, or suspend the account (signed out everywhere) and close the flag."""
    require(actor, Action.MANAGE_USERS)
    with UnitOfWork(write=False) as uow:
        review = uow.session.get(AccountReview, review_id)
        if review is None:
            raise NotFound("No such review.")
        if review.status != "open":
            raise InvalidTransition("This review was already resolved.")
        user_id, reason = review.user_id, review.reason
    if suspend:
        user_set_status(actor, user_id, status=UserStatus.SUSPENDED,
                        reason=note or f"Suspended after review: {REASON_LABELS.get(reason, reason)}")
    with UnitOfWork() as uow:
        review = uow.session.get(AccountReview, review_id)
        if review is None or review.status != "open":
            raise InvalidTransition("This review was already resolved.")
        review.status = "suspended" if suspend else "cleared"
        review.resolved_by, review.resolved_at = actor.id, utcnow()
        uow.audit(actor_id=actor.id, action=f"review_{review.status}", entity="account_reviews",
                  entity_id=review_id, after={"user_id": user_id, "reason": reason, "note": note})
        uow.commit()


def _open_review(uow: UnitOfWork, user_id: int, reason: str) -> AccountReview | None:
    return uow.session.exec(select(AccountReview).where(
        AccountReview.user_id == user_id, AccountReview.reason == reason,
        AccountReview.status == "open")).first()
