"""The account, become-a-dealer and admin pages doing their work, and refusing bad input."""

from __future__ import annotations

from sqlmodel import select

from data.models import AuditLog, Dealer, User
from data.uow import UnitOfWork
from domain.accounts import dealers
from domain.types import DealerStatus, Role, UserStatus
from tests.app.conftest import page_as, texts
from tests.support.factories import PASSWORD, make_admin, make_user


def stored_user(user_id: int) -> User:
    with UnitOfWork(write=False) as uow:
        user = uow.session.get(User, user_id)
        assert user is not None
        return user


def test_profile_is_saved_and_bad_phone_is_explained() -> None:
    user = make_user(name="Asha Rao")
    at = page_as(user, "pages/account.py")
    at.text_input(key="profile_name").input("Asha K Rao")
    at.text_input(key="profile_phone").input("+91 98765 43210")
    at.button[1].click()  # "Save profile" (after the sign-out button)
    at.run()
    assert "Profile saved." in texts(at)
    assert stored_user(user.id).name == "Asha K Rao"
    at.text_input(key="profile_phone").input("<script>")
    at.button[1].click()
    at.run()
    assert "Phone" in at.error[0].value and stored_user(user.id).phone == "+91 98765 43210"


def test_password_change_needs_the_current_password() -> None:
    user = make_user()
    at = page_as(user, "pages/account.py")
    at.text_input(key="pw_current").input("not-my-password")
    at.text_input(key="pw_new").input("Brand-New-Pass-9")
    at.button[2].click()
    at.run()
    assert "current password is not correct" in at.error[0].value
    at.text_input(key="pw_current").input(PASSWORD)
    at.button[2].click()
    at.run()
    assert "Password changed" in texts(at)


def test_delete_account_requires_confirmation_then_anonymises() -> None:
    user = make_user(email="leaving@example.com")
    at = page_as(user, "pages/account.py")
    at.text_input(key="delete_password").input(PASSWORD)
    at.button[4].click()
    at.run()
    assert "Tick the box" in at.error[0].value
    at.checkbox(key="delete_confirm").check()
    at.button[4].click()
    at.run()
    assert stored_user(user.id).status == UserStatus.DELETED
    assert "Please sign in" in texts(at)


def test_become_dealer_applies_and_shows_pending() -> None:
    user = make_user()
    at = page_as(user, "pages/become_dealer.py")
    at.text_input(key="store_name").input("Rao Car Bazaar")
    at.text_area(key="store_address").input("22 FC Road, Shivajinagar")
    at.text_input(key="store_city").input("Pune")
    at.text_input(key="store_postal").input("411005")
    at.button[0].click()
    at.run()
    assert "Application sent" in texts(at)
    at.run()
    assert "waiting for an admin" in texts(at)


def test_become_dealer_lists_every_problem_and_stores_nothing() -> None:
    at = page_as(make_user(), "pages/become_dealer.py")
    at.text_input(key="store_name").input("'; DROP TABLE dealers; --")
    at.button[0].click()
    at.run()
    message = at.error[0].value
    for field in ("Store_name", "Address", "City", "Postal_code"):
        assert field in message
    with UnitOfWork(write=False) as uow:
        assert uow.session.exec(select(Dealer)).first() is None


def test_admin_verifies_a_store_from_the_queue() -> None:
    boss, applicant = make_admin(), make_user()
    store = dealers.dealer_apply(applicant, store_name="Queue Motors", address="1 Link Road, Andheri",
                                 city="Mumbai", postal_code="400053", phone="")
    at = page_as(boss, "pages/admin_dealers.py")
    assert "Queue Motors" in texts(at)
    at.button(key=f"verify_{store.id}").click()
    at.run()
    with UnitOfWork(write=False) as uow:
        assert (uow.session.get(Dealer, store.id) or Dealer()).status == DealerStatus.VERIFIED


def test_admin_rejecting_without_a_note_is_told_why() -> None:
    boss, applicant = make_admin(), make_user()
    store = dealers.dealer_apply(applicant, store_name="Vague Motors", address="2 Link Road, Andheri",
                                 city="Mumbai", postal_code="400053", phone="")
    at = page_as(boss, "pages/admin_dealers.py")
    at.button(key=f"reject_{store.id}").click()
    at.run()
    assert "Give a reason" in at.error[0].value


def test_admin_suspends_a_user_and_the_audit_log_records_it() -> None:
    boss, target = make_admin(), make_user(email="target@example.com")
    at = page_as(boss, "pages/admin_users.py")
    at.text_input(key="user_search").input("target@")
    at.run()
    assert "1 users match" in texts(at)
    at.text_input(key="status_reason").input("Payment fraud report #123")
    at.button[1].click()  # the status form's button: "Suspend"
    at.run()
    assert stored_user(target.id).status == UserStatus.SUSPENDED
    with UnitOfWork(write=False) as uow:
        actions = uow.session.exec(select(AuditLog.action)).all()
    assert "user_suspended" in actions


def test_admin_grants_the_analyst_role() -> None:
    boss = make_admin()
    make_user(email="numbers@example.com")
    at = page_as(boss, "pages/admin_users.py")
    at.text_input(key="user_search").input("numbers@")
    at.run()
    at.multiselect(key="user_roles").set_value([Role.ANALYST])
    at.button[0].click()
    at.run()
    assert "Roles saved." in texts(at)
    rows_at = page_as(boss, "pages/admin_users.py")
    assert "numbers@example.com" in str(rows_at.dataframe[0].value)
