"""Pure rules: permissions by role, input validation, money formatting, UTC columns."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.types import Money, UTCDateTime
from domain.accounts.validation import check_password_strength, clean_email, clean_person_name, clean_text
from domain.errors import Forbidden, NotYourStore
from domain.permissions import Action, Actor, can, require, require_store_owner
from domain.types import Role
from ui.format import md_escape, money


def actor(*roles: Role, dealer_id: int | None = None) -> Actor:
    return Actor(id=1, email="a@example.com", name="A", roles=frozenset(roles), dealer_id=dealer_id)


@pytest.mark.parametrize(
    ("roles", "allowed", "refused"),
    [
        ({Role.BIDDER}, {Action.BID, Action.APPLY_AS_DEALER}, {Action.MANAGE_USERS, Action.EXPORT_REPORTS}),
        ({Role.DEALER}, {Action.MANAGE_OWN_STORE, Action.BID}, {Action.REVIEW_DEALERS}),
        ({Role.ANALYST}, {Action.EXPORT_REPORTS, Action.VIEW_ANALYTICS}, {Action.BID, Action.MANAGE_USERS}),
        ({Role.ADMIN}, set(Action), set()),
    ],
)
def test_each_role_gets_exactly_its_grants(roles: set[Role], allowed: set[Action],
                                           refused: set[Action]) -> None:
    someone = actor(*roles)
    assert all(can(someone, a) for a in allowed)
    assert not any(can(someone, a) for a in refused)


def test_require_refuses_visitors_and_wrong_roles() -> None:
    with pytest.raises(Forbidden, match="sign in"):
        require(None, Action.BID)
    with pytest.raises(Forbidden):
        require(actor(Role.ANALYST), Action.BID)


def test_store_ownership() -> None:
    require_store_owner(actor(Role.DEALER, dealer_id=3), 3)
    require_store_owner(actor(Role.ADMIN), 3)
    with pytest.raises(NotYourStore):
        require_store_owner(actor(Role.DEALER, dealer_id=4), 3)
    with pytest.raises(Forbidden):
        require_store_owner(actor(Role.BIDDER), 3)


@pytest.mark.parametrize("password", ["Correct-Horse-42", "a long passphrase of words", "Zz9!Zz9!Zz"])
def test_strong_passwords_pass(password: str) -> None:
    assert check_password_strength(password, email="someone@example.com") == password


@pytest.mark.parametrize(
    ("password", "why"),
    [("short1A!", "at least 10"), ("alllowercase", "three of"), ("Password123", "too easy"),
     ("Someone-2024x", "too easy"), ("ü" * 37, "72 bytes"), (12345678901, "must be text")],
)
def test_weak_passwords_say_why(password: object, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        check_password_strength(password, email="someone@example.com")


def test_email_is_normalised_and_checked() -> None:
    assert clean_email("  Asha@Example.COM ") == "asha@example.com"
    for bad in ("asha", "asha@", "a b@example.com", "x" * 300 + "@example.com", 42):
        with pytest.raises(ValueError):
            clean_email(bad)


@pytest.mark.parametrize("name", ["<img src=x onerror=alert(1)>", "1; DROP TABLE users", "Bob\x00"])
def test_names_refuse_markup_and_control_characters(name: str) -> None:
    with pytest.raises(ValueError):
        clean_person_name(name)


def test_text_limits_are_reported_with_the_length() -> None:
    with pytest.raises(ValueError, match="501 characters long; the limit is 500"):
        clean_text("x" * 501, label="Note", max_len=500)


def test_money_shows_rupees_with_indian_grouping() -> None:
    assert money(Decimal("1234567")) == "₹12,34,567"
    assert money(Decimal("1234567.5")) == "₹12,34,567.50"
    assert money(None) == "—"


@given(st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2))
def test_money_column_round_trips_exactly(amount: Decimal) -> None:
    column = Money()
    stored = column.process_bind_param(amount, None)  # type: ignore[arg-type]
    assert isinstance(stored, int)
    assert column.process_result_value(stored, None) == amount  # type: ignore[arg-type]


def test_naive_datetimes_are_refused_by_utc_columns() -> None:
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), None)  # type: ignore[arg-type]


@given(st.text(max_size=50))
def test_markdown_escape_leaves_no_live_markup(text: str) -> None:
    escaped = md_escape(text)
    assert escaped.replace("\\", "") == text.replace("\\", "")
    for ch in "[]()<>*_`":
        assert f"\\{ch}" in escaped or ch not in text
