"""Accounts: register, profile, password, delete (FR1, FR3, FR4)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from pydantic import field_serializer
from pydantic.dataclasses import dataclass as read_model_dataclass
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from data.models import AuthSession, Dealer, User, UserRole
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.email_verification import verification_queue
from domain.accounts.security import hash_password, verify_password
from domain.accounts.validation import (
    check_password_strength,
    clean_email,
    clean_person_name,
    clean_phone,
    clean_text,
    clean_timezone,
    collect,
)
from domain.errors import EmailTaken, InvalidCredentials, NotFound
from domain.oversight import limits
from domain.permissions import Action, Actor, require
from domain.types import DealerStatus, Role, UserStatus

EMAIL_TAKEN = "An account with this email already exists. Sign in, or use another email."
PUBLIC_USER_FIELDS = ("email", "name", "phone", "city", "timezone", "status")


# The audit log is append-only (docs/AUDIT.md): what it holds outlives a deleted account. So of these
# it keeps a keyed fingerprint, never the value: enough to see that a field changed, not who it was.
PERSONAL_FIELDS = ("email", "name", "phone")


def user_snapshot(user: User) -> dict[str, Any]:
    """A user's profile as its owner (or an admin) reads it: never the password hash."""
    return {name: getattr(user, name) for name in PUBLIC_USER_FIELDS}


def user_audit_snapshot(user: User) -> dict[str, Any]:
    """What the audit log keeps of a user: the profile, with personal details fingerprinted."""
    snapshot = user_snapshot(user)
    return {**snapshot, **{name: _fingerprint(snapshot[name]) for name in PERSONAL_FIELDS}}


def _fingerprint(value: str | None) -> str | None:
    if value is None:
        return None
    key = (get_settings().jwt_secret or "").encode()
    return "hmac:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]


def actor_load(uow: UnitOfWork, user_id: int, *, session_id: str | None = None) -> Actor:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    roles = uow.session.exec(select(UserRole.role).where(UserRole.user_id == user_id)).all()
    dealer = uow.session.exec(select(Dealer).where(Dealer.user_id == user_id)).first()
    return Actor(
        id=user_id, email=user.email, name=user.name, roles=frozenset(Role(r) for r in roles),
        dealer_id=dealer.id if dealer else None,
        dealer_verified=bool(dealer and dealer.status == DealerStatus.VERIFIED),
        session_id=session_id, timezone=user.timezone,
    )


def profile_of(actor: Actor) -> dict[str, Any]:
    with UnitOfWork(write=False) as uow:
        return user_snapshot(_user(uow, actor.id))


def user_register(*, email: str, name: str, password: str, timezone: str | None = None,
                  address: str | None = None) -> Actor:
    """`timezone` is the browser's guess: a zone zoneinfo does not know falls back to the site's.
    `address` is the client's network address: the pages and the API pass it, and at most
    REGISTRATIONS_PER_ADDRESS_PER_HOUR valid registrations are taken from one address. None is for
    callers that are no client (tests, scripts): they are not counted."""
    fields = collect({
        "email": lambda: clean_email(email),
        "name": lambda: clean_person_name(name),
        "password": lambda: check_password_strength(password, email=str(email)),
    })
    if address is not None:
        limits.check_registration(address)
    with UnitOfWork() as uow:
        if uow.session.exec(select(User.id).where(User.email == fields["email"])).first():
            raise EmailTaken(EMAIL_TAKEN)
        user = User(email=fields["email"], name=fields["name"],
                    password_hash=hash_password(fields["password"]),
                    timezone=_zone_or_default(timezone))
        uow.session.add(user)
        _flush_unique(uow)
        assert user.id is not None
        uow.session.add(UserRole(user_id=user.id, role=Role.BIDDER))
        verification_queue(uow, user, now=utcnow())
        uow.audit(actor_id=user.id, action="register", entity="users", entity_id=user.id,
                  after=user_audit_snapshot(user))
        uow.commit()
        return actor_load(uow, user.id)


def _zone_or_default(zone: str | None) -> str:
    try:
        return clean_timezone(zone)
    except ValueError:
        return get_settings().timezone


def _flush_unique(uow: UnitOfWork) -> None:
    """Two registrations of one email at the same moment: the unique index decides, clearly."""
    try:
        uow.session.flush()
    except IntegrityError:
        raise EmailTaken(EMAIL_TAKEN) from None


def profile_update(actor: Actor, *, name: str, phone: str | None, city: str | None,
                   timezone: str, user_id: int | None = None) -> Actor:
    """A user edits their own profile; an admin may edit anyone's (`user_id`), audited as the admin."""
    target = actor.id if user_id is None else user_id
    if target != actor.id:
        require(actor, Action.MANAGE_USERS)
    fields = collect({
        "name": lambda: clean_person_name(name),
        "phone": lambda: clean_phone(phone),
        "city": lambda: clean_text(city, label="City", max_len=80) if city else None,
        "timezone": lambda: clean_timezone(timezone),
    })
    with UnitOfWork() as uow:
        user = _user(uow, target)
        before = user_audit_snapshot(user)
        for field, value in fields.items():
            setattr(user, field, value)
        user.updated_at = utcnow()
        uow.audit(actor_id=actor.id, action="update_profile", entity="users", entity_id=target,
                  before=before, after=user_audit_snapshot(user))
        uow.commit()
        return actor_load(uow, target, session_id=actor.session_id if target == actor.id else None)


def password_change(actor: Actor, *, current: str, new: str) -> None:
    """Changing the password signs out every other session of this user."""
    collect({"new password": lambda: check_password_strength(new, email=actor.email)})
    with UnitOfWork() as uow:
        user = _user(uow, actor.id)
        if not verify_password(current, user.password_hash):
            raise InvalidCredentials("Your current password is not correct.")
        user.password_hash = hash_password(new)
        user.password_changed_at = user.updated_at = utcnow()
        sessions_revoke(uow, actor.id, keep=actor.session_id)
        uow.audit(actor_id=actor.id, action="change_password", entity="users", entity_id=actor.id)
        uow.commit()


def account_delete(actor: Actor, *, password: str) -> None:
    """Personal data is erased; bids and sales that others depend on stay, under a placeholder."""
    with UnitOfWork() as uow:
        user = _user(uow, actor.id)
        if not verify_password(password, user.password_hash):
            raise InvalidCredentials("Your password is not correct.")
        before = user_audit_snapshot(user)
        _anonymise(user)
        _close_store(uow, actor.id)
        sessions_revoke(uow, actor.id, keep=None)
        uow.audit(actor_id=actor.id, action="delete_account", entity="users", entity_id=actor.id,
                  before=before, after=user_audit_snapshot(user))
        uow.commit()


def _anonymise(user: User) -> None:
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.name = "Deleted user"
    user.phone = user.city = None
    user.password_hash = "!" + secrets.token_hex(16)  # not a bcrypt hash: never matches
    user.status = UserStatus.DELETED
    user.deleted_at = user.updated_at = utcnow()


def _close_store(uow: UnitOfWork, user_id: int) -> None:
    dealer = uow.session.exec(select(Dealer).where(Dealer.user_id == user_id)).first()
    if dealer is not None:
        dealer.status = DealerStatus.CLOSED
        dealer.phone = None
        dealer.updated_at = utcnow()


def sessions_revoke(uow: UnitOfWork, user_id: int, *, keep: str | None) -> None:
    uow.session.execute(
        update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None),
               col(AuthSession.id) != (keep or ""))
        .values(revoked_at=utcnow())
    )


def _user(uow: UnitOfWork, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None or user.status == UserStatus.DELETED:
        raise NotFound("No such user.")
    return user


@read_model_dataclass(frozen=True)
class Profile:
    """What a user edits about themselves."""

    id: int
    email: str
    name: str
    phone: str | None
    city: str | None
    timezone: str


@read_model_dataclass(frozen=True)
class UserView(Profile):
    """An account as its owner (or an admin) sees it."""

    status: str
    roles: frozenset[Role]
    dealer_id: int | None
    created_at: datetime

    @field_serializer("roles")
    def _roles_in_order(self, roles: frozenset[Role]) -> list[Role]:
        return sorted(roles)  # a set's order changes from process to process


def own_or_admin(actor: Actor, user_id: int) -> None:
    """A user reaches only their own account, an admin anyone's; a wrong id is "no such user" (404)."""
    if actor.id != user_id and not actor.is_admin:
        raise NotFound("No such user.")


def user_view(actor: Actor, user_id: int) -> UserView:
    own_or_admin(actor, user_id)
    with UnitOfWork(write=False) as uow:
        user = uow.session.get(User, user_id)
        if user is None or user.status == UserStatus.DELETED:
            raise NotFound("No such user.")
        return user_views(uow, [user])[0]


def user_views(uow: UnitOfWork, users: list[User]) -> list[UserView]:
    """The accounts' read models, their roles and stores read in one query each."""
    ids = [user.id or 0 for user in users]
    roles = roles_of(uow, ids)
    stores = dict(uow.session.exec(select(Dealer.user_id, Dealer.id)
                                   .where(col(Dealer.user_id).in_(ids))).all())
    return [UserView(user.id or 0, user.email, user.name, user.phone, user.city, user.timezone or "",
                     user.status, roles.get(user.id or 0, frozenset()), stores.get(user.id or 0),
                     user.created_at) for user in users]


def roles_of(uow: UnitOfWork, user_ids: list[int]) -> dict[int, frozenset[Role]]:
    found: dict[int, set[Role]] = {}
    for user_id, role in uow.session.exec(
        select(UserRole.user_id, UserRole.role).where(col(UserRole.user_id).in_(user_ids))
    ):
        found.setdefault(user_id, set()).add(Role(role))
    return {user_id: frozenset(roles) for user_id, roles in found.items()}
