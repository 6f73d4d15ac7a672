"""Becoming a dealer and admin management on both stores: permissions, transitions, audit."""

from __future__ import annotations

import pytest
from sqlmodel import select

from data.models import AuditLog, Dealer
from data.uow import UnitOfWork
from domain.accounts import dealers
from domain.accounts import users as accounts
from domain.errors import AlreadyApplied, Forbidden, InvalidTransition, NotYourStore, ValidationFailed
from domain.oversight import admin
from domain.types import DealerStatus, Role, UserStatus
from tests.support.factories import make_admin, make_dealer, make_user

STORE = {"store_name": "Sharma Motors", "address": "14 Ring Road, Lajpat Nagar", "city": "Delhi",
         "postal_code": "110024", "phone": "+91 98100 12345"}


def audit_actions() -> list[str]:
    with UnitOfWork(write=False) as uow:
        return list(uow.session.exec(select(AuditLog.action).order_by(AuditLog.id)).all())


def test_apply_verify_grants_the_dealer_role(store: str) -> None:
    boss, user = make_admin(), make_user()
    application = dealers.dealer_apply(user, **STORE)
    assert application.status == DealerStatus.PENDING
    with pytest.raises(AlreadyApplied):
        dealers.dealer_apply(user, **STORE)
    dealers.dealer_review(boss, application.id or 0, to=DealerStatus.VERIFIED)
    with UnitOfWork(write=False) as uow:
        actor = accounts.actor_load(uow, user.id)
    assert Role.DEALER in actor.roles and actor.dealer_verified
    assert {"dealer_apply", "dealer_verified"} <= set(audit_actions())


def test_rejection_needs_a_reason_and_allows_a_new_application(store: str) -> None:
    boss, user = make_admin(), make_user()
    application = dealers.dealer_apply(user, **STORE)
    with pytest.raises(InvalidTransition, match="reason"):
        dealers.dealer_review(boss, application.id or 0, to=DealerStatus.REJECTED)
    dealers.dealer_review(boss, application.id or 0, to=DealerStatus.REJECTED, note="No trade licence")
    again = dealers.dealer_apply(user, **{**STORE, "store_name": "Sharma Motors Pvt Ltd"})
    assert again.id == application.id and again.status == DealerStatus.PENDING


def test_only_admins_review_and_only_owners_edit_stores(store: str) -> None:
    bidder, dealer = make_user(), make_dealer()
    other = make_dealer()
    with pytest.raises(Forbidden):
        dealers.dealer_review(bidder, dealer.dealer_id or 0, to=DealerStatus.SUSPENDED, note="x")
    with pytest.raises(Forbidden):
        dealers.dealer_list(dealer)
    with pytest.raises(NotYourStore):
        dealers.store_update(dealer, other.dealer_id or 0, **STORE)
    with pytest.raises(Forbidden):
        dealers.store_update(bidder, dealer.dealer_id or 0, **STORE)
    updated = dealers.store_update(dealer, dealer.dealer_id or 0, **STORE)
    assert updated.store_name == "Sharma Motors"


def test_bad_store_details_change_nothing(store: str) -> None:
    user = make_user()
    before = audit_actions()
    with pytest.raises(ValidationFailed) as failure:
        dealers.dealer_apply(user, store_name="<b>x</b>", address="", city="D", postal_code="!!",
                             phone="call me")
    assert set(failure.value.problems) == {"store_name", "address", "city", "postal_code", "phone"}
    with UnitOfWork(write=False) as uow:
        assert uow.session.exec(select(Dealer)).first() is None
    assert audit_actions() == before


def test_admin_searches_changes_roles_and_cannot_lock_themselves_out(store: str) -> None:
    boss = make_admin()
    analyst = make_user(email="numbers@example.com", name="Nina Numbers")
    rows, total = admin.user_search(boss, text="NUMBERS")
    assert total == 1 and rows[0].id == analyst.id
    admin.user_set_roles(boss, analyst.id, {Role.ANALYST})
    rows, _ = admin.user_search(boss, role=Role.ANALYST)
    assert [r.id for r in rows] == [analyst.id]
    with pytest.raises(InvalidTransition, match="verified store"):
        admin.user_set_roles(boss, analyst.id, {Role.DEALER})
    with pytest.raises(Forbidden):
        admin.user_set_roles(boss, boss.id, {Role.BIDDER})
    with pytest.raises(Forbidden):
        admin.user_set_status(boss, boss.id, status=UserStatus.SUSPENDED, reason="oops")


def test_search_treats_wildcards_literally(store: str) -> None:
    boss = make_admin()
    make_user(email="plain@example.com")
    assert admin.user_search(boss, text="%")[1] == 0
    assert admin.user_search(boss, text="_")[1] == 0


def test_non_admins_cannot_manage_users(store: str) -> None:
    bidder, analyst = make_user(), make_user(Role.ANALYST)
    for actor in (bidder, analyst, make_dealer()):
        with pytest.raises(Forbidden):
            admin.user_search(actor)
        with pytest.raises(Forbidden):
            admin.user_set_status(actor, bidder.id, status=UserStatus.SUSPENDED, reason="x")
