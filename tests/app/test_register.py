"""Creating an account from the register page."""

from __future__ import annotations

from sqlmodel import func, select

from data.models import User
from data.settings import get_settings
from data.uow import UnitOfWork
from tests.app.conftest import app_as_visitor, texts
from tests.support.factories import PASSWORD, make_user


def register(name: str, email: str, password: str, confirm: str | None = None,  # type: ignore[no-untyped-def]
             zone: str | None = None):
    at = app_as_visitor()
    if zone is not None:
        at.context["timezone"] = zone
    at.switch_page("pages/register.py")
    at.run()
    at.text_input(key="reg_name").input(name)
    at.text_input(key="reg_email").input(email)
    at.text_input(key="reg_password").input(password)
    at.text_input(key="reg_confirm").input(confirm if confirm is not None else password)
    at.button[0].click()
    at.run()
    return at


def users() -> int:
    with UnitOfWork(write=False) as uow:
        return int(uow.session.exec(select(func.count()).select_from(User)).one())


def test_register_signs_in_and_lands_home() -> None:
    at = register("Kavya Menon", "kavya@example.com", PASSWORD)
    assert not at.exception
    assert "Welcome, Kavya" in texts(at)
    assert users() == 1


def test_every_problem_is_listed_and_nothing_is_stored() -> None:
    at = register("<b>Bad</b>", "not-an-email", "weak")
    assert not at.exception
    message = at.error[0].value
    assert "Email" in message and "Name" in message and "Password" in message
    assert users() == 0


def test_mismatched_passwords_are_caught() -> None:
    at = register("Kavya Menon", "kavya@example.com", PASSWORD, confirm="Other-Password-1")
    assert "differ" in at.error[0].value and users() == 0


def test_duplicate_email_in_other_case_is_refused() -> None:
    make_user(email="taken@example.com")
    at = register("Kavya Menon", "TAKEN@example.com", PASSWORD)
    assert "already exists" in at.error[0].value and users() == 1


def zone_of(email: str) -> str:
    with UnitOfWork(write=False) as uow:
        return uow.session.exec(select(User.timezone).where(User.email == email)).one()


def test_a_new_account_takes_the_browsers_time_zone() -> None:
    at = register("Kavya Menon", "kavya@example.com", PASSWORD, zone="Europe/London")
    assert not at.exception
    assert zone_of("kavya@example.com") == "Europe/London"


def test_an_unknown_browser_zone_falls_back_to_the_sites() -> None:
    at = register("Kavya Menon", "kavya@example.com", PASSWORD, zone="Mars/Olympus_Mons")
    assert not at.exception
    assert zone_of("kavya@example.com") == get_settings().timezone
