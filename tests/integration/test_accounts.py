"""Accounts on both stores: register, profile, password, delete, and bad input that changes nothing."""

from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from data.models import AuditLog, AuthSession, ChangeLog, User
from data.uow import UnitOfWork
from domain.accounts import auth
from domain.accounts import users as accounts
from domain.errors import EmailTaken, InvalidCredentials, NotFound, SessionExpired, ValidationFailed
from domain.types import Role
from tests.support.factories import PASSWORD, make_admin, make_user


def count(model: type) -> int:
    with UnitOfWork(write=False) as uow:
        return int(uow.session.exec(select(func.count()).select_from(model)).one())


def test_register_creates_a_bidder_with_audit_and_change_log(store: str) -> None:
    actor = accounts.user_register(email="Asha@Example.com", name="Asha Rao", password=PASSWORD)
    assert actor.email == "asha@example.com"
    assert [r.value for r in actor.roles] == ["bidder"]
    with UnitOfWork(write=False) as uow:
        audit = uow.session.exec(select(AuditLog)).one()
        changes = uow.session.exec(select(ChangeLog.entity, ChangeLog.op)).all()
        stored = uow.session.get(User, actor.id)
    assert audit.action == "register" and "password_hash" not in (audit.after or {})
    assert ("users", "insert") in changes
    assert stored is not None and stored.password_hash.startswith("$2b$")


def test_duplicate_email_is_refused_case_insensitively(store: str) -> None:
    make_user(email="dup@example.com")
    before = count(User)
    with pytest.raises(EmailTaken):
        accounts.user_register(email="DUP@example.com", name="Other Person", password=PASSWORD)
    assert count(User) == before


@pytest.mark.parametrize(
    ("email", "name", "password", "field"),
    [
        ("not-an-email", "Asha Rao", PASSWORD, "email"),
        ("a@example.com", "<script>alert(1)</script>", PASSWORD, "name"),
        ("a@example.com", "Robert'); DROP TABLE users;--", PASSWORD, "name"),
        ("a@example.com", "Asha Rao", "short", "password"),
        ("a@example.com", "Asha Rao", "é" * 40, "password"),  # 80 bytes: over bcrypt's 72
        ("a@example.com", "x" * 500, PASSWORD, "name"),
    ],
)
def test_bad_registration_says_which_field_and_changes_nothing(
    store: str, email: str, name: str, password: str, field: str
) -> None:
    with pytest.raises(ValidationFailed) as failure:
        accounts.user_register(email=email, name=name, password=password)
    assert field in failure.value.problems
    assert count(User) == 0 and count(AuditLog) == 0 and count(ChangeLog) == 0


def test_profile_update_validates_and_audits(store: str) -> None:
    actor = make_user()
    updated = accounts.profile_update(actor, name="Asha K Rao", phone="+91 99887 76655",
                                      city="Pune", timezone="Europe/London")
    assert updated.name == "Asha K Rao" and updated.timezone == "Europe/London"
    with pytest.raises(ValidationFailed) as failure:
        accounts.profile_update(actor, name="Asha", phone="call me", city="", timezone="Mars/Base")
    assert set(failure.value.problems) == {"phone", "timezone"}


def test_password_change_revokes_other_sessions(store: str) -> None:
    actor = make_user()
    first = auth.user_login(email=actor.email, password=PASSWORD, address="10.0.0.1")
    second = auth.user_login(email=actor.email, password=PASSWORD, address="10.0.0.2")
    with pytest.raises(InvalidCredentials):
        accounts.password_change(second.actor, current="wrong-password", new="New-Password-77")
    accounts.password_change(second.actor, current=PASSWORD, new="New-Password-77")
    with pytest.raises(SessionExpired):
        auth.session_resolve(first.token)
    assert auth.session_resolve(second.token).id == actor.id
    assert auth.user_login(email=actor.email, password="New-Password-77", address="10.0.0.3")


def test_delete_account_anonymises_and_signs_out(store: str) -> None:
    actor = make_user(email="gone@example.com")
    signed = auth.user_login(email=actor.email, password=PASSWORD, address="10.0.0.1")
    with pytest.raises(InvalidCredentials):
        accounts.account_delete(signed.actor, password="nope")
    accounts.account_delete(signed.actor, password=PASSWORD)
    with UnitOfWork(write=False) as uow:
        user = uow.session.get(User, actor.id)
        open_sessions = uow.session.exec(
            select(func.count()).select_from(AuthSession).where(AuthSession.revoked_at == None)  # noqa: E711
        ).one()
    assert user is not None and user.email != "gone@example.com" and user.name == "Deleted user"
    assert open_sessions == 0
    with pytest.raises(InvalidCredentials):
        auth.user_login(email="gone@example.com", password=PASSWORD, address="10.0.0.1")
    # the email is free again for a new account
    assert accounts.user_register(email="gone@example.com", name="New Person", password=PASSWORD)


def test_an_admin_edits_someone_elses_profile_and_the_audit_names_the_admin(store: str) -> None:
    from domain.errors import Forbidden
    from tests.support.factories import make_admin

    boss, user, other = make_admin(), make_user(), make_user()
    with pytest.raises(Forbidden):
        accounts.profile_update(other, user_id=user.id, name="Hacked Name", phone=None, city=None,
                                timezone="Asia/Kolkata")
    accounts.profile_update(boss, user_id=user.id, name="Fixed Name", phone=None, city=None,
                            timezone="Asia/Kolkata")
    with UnitOfWork(write=False) as uow:
        entry = uow.session.exec(select(AuditLog).where(AuditLog.action == "update_profile")).one()
        stored = uow.session.get(User, user.id)
    assert (entry.actor_id, entry.entity_id) == (boss.id, user.id)
    assert stored is not None and stored.name == "Fixed Name"


def test_an_account_is_seen_by_its_owner_and_admins_only(store: str) -> None:
    owner, other, admin = make_user(email="own@example.com"), make_user(), make_admin()
    assert accounts.user_view(owner, owner.id).email == "own@example.com"
    assert accounts.user_view(admin, owner.id).roles == frozenset({Role.BIDDER})
    with pytest.raises(NotFound):
        accounts.user_view(other, owner.id)  # not "forbidden": an id reveals nothing
    accounts.account_delete(owner, password=PASSWORD)
    with pytest.raises(NotFound):
        accounts.user_view(admin, owner.id)


def test_the_audit_log_keeps_no_personal_details_of_a_deleted_account(store: str) -> None:
    """The log is append-only, so it must never have held them: only fingerprints that show a change."""
    actor = make_user(email="private.person@example.com", name="Priya Private")
    accounts.profile_update(actor, name="Priya Renamed", phone="+91 98765 43210", city="Pune",
                            timezone="Asia/Kolkata")
    accounts.account_delete(actor, password=PASSWORD)
    with UnitOfWork(write=False) as uow:
        entries = uow.session.exec(select(AuditLog).where(AuditLog.entity_id == actor.id)).all()
    logged = json.dumps([[e.before, e.after] for e in entries]).lower()
    assert {e.action for e in entries} >= {"register", "update_profile", "delete_account"}
    for detail in ("private.person", "priya", "98765"):
        assert detail not in logged
    update = next(e for e in entries if e.action == "update_profile")
    assert update.before and update.after and update.before["name"] != update.after["name"]
    assert update.before["email"] == update.after["email"] and update.after["city"] == "Pune"
