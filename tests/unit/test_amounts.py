"""The one reading of a typed amount (`parse_amount`): what the bid form, the auction form's price grid
and the bid service accept, and the message each refusal gives, so a bad amount never reaches the
store; and the one rule that names a bidder on a board ("you" or the lot's pseudonym)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.bidding.board import handle
from domain.bidding.board_view import seen_as
from domain.errors import ValidationFailed
from domain.formatting import MAX_PRICE, amount_or_none, parse_amount

LABEL = "Your maximum bid"
TYPABLE = st.decimals(min_value=D("0.01"), max_value=MAX_PRICE - D("0.01"), places=2)


@pytest.mark.parametrize(("typed", "amount"), [
    ("350000", D(350000)), ("3,50,000", D(350000)), ("  450000.5 ", D("450000.5")), (7, D(7)),
    (D("0.01"), D("0.01")), (350000.1, D("350000.1")), (1650002.23, D("1650002.23")),
    ("99999999.99", D("99999999.99")),
])
def test_an_amount_people_type_reads_as_the_exact_decimal(typed: object, amount: D) -> None:
    assert parse_amount(typed, label=LABEL, field="maximum") == amount


@pytest.mark.parametrize(("typed", "message"), [
    (None, "Your maximum bid is required."), ("", "Your maximum bid is required."),
    (float("nan"), "Your maximum bid is required."),
    ("abc", "Your maximum bid must be an amount such as 450000; got 'abc'."),
    ("nan", "must be more than 0 and less than ₹10,00,00,000."),
    (D("NaN"), "must be more than 0 and less than"), (float("inf"), "must be more than 0 and less than"),
    ("-Infinity", "must be more than 0 and less than"), ("-5", "must be more than 0 and less than"),
    ("0", "must be more than 0 and less than"), (D("0.00"), "must be more than 0 and less than"),
    (MAX_PRICE, "must be more than 0 and less than"), ("1e9", "must be more than 0 and less than"),
    ("350000.001", "can have at most two decimals."), (0.005, "can have at most two decimals."),
    (True, "must be an amount such as 450000."), ([350000], "must be an amount such as 450000."),
])
def test_a_bad_amount_is_refused_under_its_field_with_what_to_fix(typed: object, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_amount(typed, label=LABEL, field="maximum")
    assert list(refused.value.problems) == ["maximum"]
    assert message in refused.value.problems["maximum"]


def test_a_blank_cell_may_stay_blank_where_the_amount_is_optional() -> None:
    assert amount_or_none(float("nan"), label="Reserve") is None
    assert amount_or_none(" ", label="Reserve") is None
    with pytest.raises(ValueError, match="Reserve can have at most two decimals"):
        amount_or_none("1.234", label="Reserve")


@given(TYPABLE)
def test_every_typable_amount_survives_the_widgets_float_and_text(amount: D) -> None:
    """The bid box hands over a float: below the cap with two decimals, its shortest spelling is the
    number typed, so no paisa is gained or lost on the way to the store."""
    assert parse_amount(float(amount), label=LABEL) == amount
    assert parse_amount(str(amount), label=LABEL) == amount
    assert parse_amount(f"{amount:,}", label=LABEL) == amount


@given(TYPABLE, st.integers(min_value=1, max_value=9))
def test_a_third_decimal_is_refused_never_rounded(amount: D, extra: int) -> None:
    with pytest.raises(ValidationFailed, match="at most two decimals"):
        parse_amount(amount + D(extra) / 1000, label=LABEL)


def test_a_board_names_its_viewer_you_and_everyone_else_by_the_lots_pseudonym() -> None:
    assert seen_as(5, 40, 5) == "you"
    assert seen_as(6, 40, 5) == handle(6, 40) != handle(6, 41)
    assert seen_as(5, 40, None) == handle(5, 40)  # the shared copy: nobody is "you"
    assert seen_as(None, 40, 5) is None
