"""Small factories: a user with roles, a verified dealer. They go through the real services where one
exists, so tests exercise the same paths as users."""

from __future__ import annotations

import itertools

from sqlalchemy import delete
from sqlmodel import col

from data.models import UserRole
from data.uow import UnitOfWork
from domain import accounts, dealers
from domain.permissions import Actor
from domain.types import DealerStatus, Role

PASSWORD = "Correct-Horse-42"
_counter = itertools.count(1)


def make_user(*roles: Role, email: str | None = None, name: str = "Test User") -> Actor:
    actor = accounts.user_register(email=email or f"user{next(_counter)}@example.com", name=name,
                                   password=PASSWORD)
    if roles:  # exactly these roles (registration gives every account the bidder role)
        with UnitOfWork() as uow:
            uow.session.execute(delete(UserRole).where(col(UserRole.user_id) == actor.id))
            uow.session.add_all(UserRole(user_id=actor.id, role=r) for r in set(roles))
            uow.commit()
    with UnitOfWork(write=False) as uow:
        return accounts.actor_load(uow, actor.id)


def make_admin() -> Actor:
    return make_user(Role.ADMIN, Role.BIDDER, name="Ada Admin")


def make_dealer(admin: Actor | None = None, *, city: str = "Pune") -> Actor:
    """A user whose store an admin has verified."""
    owner = make_user(name="Dev Dealer")
    store = dealers.dealer_apply(owner, store_name="Dev Motors", address="12 MG Road, Camp",
                                 city=city, postal_code="411001", phone="+91 98765 43210")
    assert store.id is not None
    dealers.dealer_review(admin or make_admin(), store.id, to=DealerStatus.VERIFIED)
    with UnitOfWork(write=False) as uow:
        return accounts.actor_load(uow, owner.id)
