"""Users through the API: one PUT or DELETE mapped onto domain.accounts.users and
domain.oversight.admin, which decide who may read or change which account (`own_or_admin`: a wrong
id is "no such user", so ids reveal nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from domain.accounts import users as accounts
from domain.accounts.users import UserView, own_or_admin, user_view
from domain.errors import Forbidden, InvalidCredentials, ValidationFailed
from domain.oversight import admin
from domain.permissions import Actor
from domain.types import Role, UserStatus


@dataclass(frozen=True)
class UserChange:
    roles: set[Role] | None = None
    status: UserStatus | None = None
    reason: str = ""
    current_password: str | None = None
    new_password: str | None = None


def profile_edit(actor: Actor, user_id: int, *, name: str, phone: str | None, city: str | None,
                 timezone: str) -> UserView:
    """A user edits their own profile; an admin anyone's (the domain checks the values)."""
    own_or_admin(actor, user_id)
    accounts.profile_update(actor, user_id=user_id, name=name, phone=phone, city=city, timezone=timezone)
    return user_view(actor, user_id)


def user_change(actor: Actor, user_id: int, change: UserChange) -> UserView:
    own_or_admin(actor, user_id)
    if change.roles is not None:
        admin.user_set_roles(actor, user_id, change.roles)
    if change.status is not None:
        admin.user_set_status(actor, user_id, status=change.status, reason=change.reason)
    if change.new_password is not None:
        if actor.id != user_id:
            raise Forbidden("Only the account's owner can change its password.")
        with _wrong_password("current_password"):
            accounts.password_change(actor, current=change.current_password or "", new=change.new_password)
    return user_view(actor, user_id)


def user_remove(actor: Actor, user_id: int, *, password: str) -> None:
    """The owner deletes their account; for anyone else the domain says to suspend instead."""
    own_or_admin(actor, user_id)
    if actor.id == user_id:
        with _wrong_password("password"):
            accounts.account_delete(actor, password=password)
    else:
        admin.user_set_status(actor, user_id, status=UserStatus.DELETED, reason="deleted through the API")


@contextmanager
def _wrong_password(field: str) -> Iterator[None]:
    """A wrong password on a signed-in request is a bad field (422), not a bad token (401)."""
    try:
        yield
    except InvalidCredentials as error:
        raise ValidationFailed({field: str(error)}) from None
