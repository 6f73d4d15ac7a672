"""Admin user management (FR5, FR24): search users, change roles, suspend and reinstate."""

from __future__ import annotations

from sqlalchemy import delete, or_
from sqlmodel import col, func, select

from data.models import Dealer, User, UserRole
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.users import (
    UserView,
    roles_of,
    sessions_revoke,
    user_audit_snapshot,
    user_views,
)
from domain.accounts.validation import checked_text
from domain.errors import Forbidden, InvalidTransition, NotFound
from domain.permissions import Action, Actor, require
from domain.types import DealerStatus, Role, UserStatus

MAX_PAGE = 200


def user_search(actor: Actor, *, text: str = "", role: Role | None = None,
                status: UserStatus | None = None, limit: int = 50,
                offset: int = 0) -> tuple[list[UserView], int]:
    require(actor, Action.MANAGE_USERS)
    query = select(User)
    if text.strip():
        pattern = f"%{_escape_like(text.strip().lower()[:100])}%"
        query = query.where(or_(col(User.email).like(pattern, escape="\\"),
                                func.lower(User.name).like(pattern, escape="\\")))
    if role is not None:
        query = query.where(col(User.id).in_(select(UserRole.user_id).where(UserRole.role == role)))
    if status is not None:
        query = query.where(User.status == status)
    with UnitOfWork(write=False) as uow:
        total = uow.session.exec(select(func.count()).select_from(query.subquery())).one()
        page = query.order_by(col(User.id).desc()).limit(min(limit, MAX_PAGE)).offset(max(offset, 0))
        return user_views(uow, list(uow.session.exec(page).all())), int(total)


def _escape_like(text: str) -> str:
    """Search text is literal: % and _ typed by the admin match themselves, not anything."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def user_set_roles(actor: Actor, user_id: int, roles: set[Role]) -> None:
    require(actor, Action.MANAGE_USERS)
    if user_id == actor.id and Role.ADMIN not in roles:
        raise Forbidden("You cannot remove your own admin role; ask another admin.")
    with UnitOfWork() as uow:
        user = _live_user(uow, user_id)
        before = sorted(roles_of(uow, [user_id]).get(user_id, frozenset()))
        if Role.DEALER in roles and not _has_verified_store(uow, user_id):
            raise InvalidTransition("Only the owner of a verified store can be a dealer: "
                                    "verify their store application instead.")
        uow.session.execute(delete(UserRole).where(col(UserRole.user_id) == user_id))
        uow.session.add_all(UserRole(user_id=user_id, role=r) for r in sorted(roles))
        user.updated_at = utcnow()
        uow.audit(actor_id=actor.id, action="set_roles", entity="users", entity_id=user_id,
                  before={"roles": before}, after={"roles": sorted(roles)})
        uow.commit()


def user_set_status(actor: Actor, user_id: int, *, status: UserStatus, reason: str) -> None:
    """Suspend (signing the user out everywhere at once) or reinstate an account."""
    require(actor, Action.MANAGE_USERS)
    if status == UserStatus.DELETED:
        raise InvalidTransition("Accounts are deleted by their owners; suspend instead.")
    if user_id == actor.id:
        raise Forbidden("You cannot change your own account's status.")
    note = checked_text("reason", reason, label="Reason", max_len=500)
    with UnitOfWork() as uow:
        user = _live_user(uow, user_id)
        if user.status == status:
            raise InvalidTransition(f"This account is already {status}.")
        before = user_audit_snapshot(user)
        user.status, user.updated_at = status, utcnow()
        if status == UserStatus.SUSPENDED:
            sessions_revoke(uow, user_id, keep=None)
        uow.audit(actor_id=actor.id, action=f"user_{status}", entity="users", entity_id=user_id,
                  before=before, after={**user_audit_snapshot(user), "reason": note})
        uow.commit()


def _has_verified_store(uow: UnitOfWork, user_id: int) -> bool:
    query = select(Dealer.id).where(Dealer.user_id == user_id, Dealer.status == DealerStatus.VERIFIED)
    return uow.session.exec(query).first() is not None


def _live_user(uow: UnitOfWork, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None or user.status == UserStatus.DELETED:
        raise NotFound("No such user.")
    return user
