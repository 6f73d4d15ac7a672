"""Becoming a dealer (FR21), the store's details (FR22) and who sees them, and admin review of stores
(FR24)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field
from sqlmodel import col, func, select

from data.models import Dealer, User, UserRole
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.email_verification import require_verified_email
from domain.accounts.validation import (
    checked_text,
    clean_phone,
    clean_postal_code,
    clean_store_name,
    clean_text,
    collect,
)
from domain.errors import AlreadyApplied, InvalidTransition, NotFound
from domain.permissions import Action, Actor, require, require_store_owner
from domain.types import DealerStatus, Role, read_model

STORE_FIELDS = ("store_name", "address", "city", "postal_code", "phone")
PRIVATE = ("user_id", "address", "postal_code", "phone", "review_note", "created_at")


@dataclass(frozen=True)
class DealerView:
    """A store as others see it (name, city, status), with its private details for its owner and admins."""

    id: int
    store_name: str
    city: str
    status: str
    user_id: Annotated[int | None, Field(
        description="Owner and admins only, like the fields below")] = None
    address: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    review_note: str | None = None
    created_at: datetime | None = None


def store_view(dealer: Dealer, *, private: bool = True) -> DealerView:
    """The store's read model; without `private`, the private details stay None."""
    hidden = {} if private else dict.fromkeys(PRIVATE)
    return read_model(DealerView, dealer, id=dealer.id or 0, **hidden)


def store_snapshot(dealer: Dealer) -> dict[str, Any]:
    return {name: getattr(dealer, name) for name in (*STORE_FIELDS, "status", "review_note")}


def _clean_store(details: dict[str, Any]) -> dict[str, Any]:
    return collect({
        "store_name": lambda: clean_store_name(details.get("store_name")),
        "address": lambda: clean_text(details.get("address"), label="Address", max_len=300, min_len=5),
        "city": lambda: clean_text(details.get("city"), label="City", max_len=80, min_len=2),
        "postal_code": lambda: clean_postal_code(details.get("postal_code")),
        "phone": lambda: clean_phone(details.get("phone")),
    })


def dealer_apply(actor: Actor, **details: Any) -> Dealer:
    """A signed-in user asks to sell; an admin must verify the store before it can list cars."""
    require(actor, Action.APPLY_AS_DEALER)
    fields = _clean_store(details)
    with UnitOfWork() as uow:
        require_verified_email(uow, actor)
        dealer = uow.session.exec(select(Dealer).where(Dealer.user_id == actor.id)).first()
        if dealer is not None and dealer.status != DealerStatus.REJECTED:
            raise AlreadyApplied(f"You already have a store application ({dealer.status}).")
        before = store_snapshot(dealer) if dealer else None
        dealer = dealer or Dealer(user_id=actor.id, **fields)
        for name, value in fields.items():
            setattr(dealer, name, value)
        dealer.status, dealer.review_note, dealer.updated_at = DealerStatus.PENDING, None, utcnow()
        uow.session.add(dealer)
        uow.session.flush()
        uow.audit(actor_id=actor.id, action="dealer_apply", entity="dealers", entity_id=dealer.id,
                  before=before, after=store_snapshot(dealer))
        uow.commit()
        return dealer


def dealer_of(actor: Actor) -> Dealer | None:
    with UnitOfWork(write=False) as uow:
        return uow.session.exec(select(Dealer).where(Dealer.user_id == actor.id)).first()


def dealer_view(actor: Actor, dealer_id: int) -> DealerView:
    """A store, with its private details for its owner and admins; others see only verified stores."""
    with UnitOfWork(write=False) as uow:
        dealer = _dealer(uow, dealer_id)
    private = actor.is_admin or dealer.user_id == actor.id
    if not private and dealer.status != DealerStatus.VERIFIED:
        raise NotFound("No such store.")
    return store_view(dealer, private=private)


def store_update(actor: Actor, dealer_id: int, **details: Any) -> Dealer:
    require_store_owner(actor, dealer_id)
    fields = _clean_store(details)
    with UnitOfWork() as uow:
        dealer = _dealer(uow, dealer_id)
        before = store_snapshot(dealer)
        for name, value in fields.items():
            setattr(dealer, name, value)
        dealer.updated_at = utcnow()
        uow.audit(actor_id=actor.id, action="store_update", entity="dealers", entity_id=dealer_id,
                  before=before, after=store_snapshot(dealer))
        uow.commit()
        return dealer


REVIEW_TARGETS = {
    DealerStatus.VERIFIED: {DealerStatus.PENDING, DealerStatus.SUSPENDED},
    DealerStatus.REJECTED: {DealerStatus.PENDING},
    DealerStatus.SUSPENDED: {DealerStatus.VERIFIED},
}


def dealer_review(actor: Actor, dealer_id: int, *, to: DealerStatus, note: str = "") -> Dealer:
    """Verify, reject, suspend or reinstate a store. Only a verified store's owner is a dealer."""
    require(actor, Action.REVIEW_DEALERS)
    reason = checked_text("note", note, label="Note", max_len=500, min_len=0)
    if to != DealerStatus.VERIFIED and not reason:
        raise InvalidTransition("Give a reason: the dealer sees it.")
    with UnitOfWork() as uow:
        dealer = _dealer(uow, dealer_id)
        if dealer.status not in REVIEW_TARGETS.get(to, set()):
            raise InvalidTransition(f"A {dealer.status} store cannot become {to}.")
        before = store_snapshot(dealer)
        dealer.status, dealer.review_note = to, reason or None
        dealer.reviewed_by, dealer.reviewed_at = actor.id, utcnow()
        dealer.updated_at = dealer.reviewed_at
        _sync_dealer_role(uow, dealer.user_id, is_dealer=to == DealerStatus.VERIFIED)
        uow.audit(actor_id=actor.id, action=f"dealer_{to}", entity="dealers", entity_id=dealer_id,
                  before=before, after=store_snapshot(dealer))
        uow.commit()
        return dealer


def _sync_dealer_role(uow: UnitOfWork, user_id: int, *, is_dealer: bool) -> None:
    role = uow.session.get(UserRole, (user_id, Role.DEALER))
    if is_dealer and role is None:
        uow.session.add(UserRole(user_id=user_id, role=Role.DEALER))
    elif not is_dealer and role is not None:
        uow.session.delete(role)
    user = uow.session.get(User, user_id)
    assert user is not None
    user.updated_at = utcnow()  # a role change is a change of the user row for the change log


def dealer_list(actor: Actor, *, status: DealerStatus | None = None, limit: int = 50,
                offset: int = 0) -> tuple[list[tuple[Dealer, str]], int]:
    """Stores with their owner's email, newest applications first."""
    require(actor, Action.REVIEW_DEALERS)
    with UnitOfWork(write=False) as uow:
        query = select(Dealer, User.email).join(User, col(User.id) == Dealer.user_id)
        if status is not None:
            query = query.where(Dealer.status == status)
        total = uow.session.exec(select(func.count()).select_from(query.subquery())).one()
        rows = uow.session.exec(query.order_by(col(Dealer.created_at).desc()).limit(limit).offset(offset))
        return [(dealer, email) for dealer, email in rows.all()], int(total)


def _dealer(uow: UnitOfWork, dealer_id: int) -> Dealer:
    dealer = uow.session.get(Dealer, dealer_id)
    if dealer is None:
        raise NotFound("No such store.")
    return dealer
