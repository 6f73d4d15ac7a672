"""Tests for the ISO 3779 VIN rules in domain.inventory.vin."""

import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.inventory.vin import (
    ALLOWED_CHARS,
    CHECK_DIGIT_POSITION,
    MODEL_YEAR_CODES,
    TRANSLITERATION,
    WEIGHTS,
    InvalidVin,
    make_vin,
    model_year_code,
    normalize_vin,
    vin_check_digit,
)

# Published examples whose check digits are correct (the first is the textbook one).
REAL_VINS = [
    "1M8GDM9AXKP042788",
    "11111111111111111",
    "1HGCM82633A004352",
    "JHMCM56557C404453",
    "1G1JC5444R7252367",
    "JH4KA7561PC008269",
]

CHECK_INDEX = CHECK_DIGIT_POSITION - 1
NON_CHECK_INDEXES = [i for i in range(17) if i != CHECK_INDEX]

wmis = st.text(alphabet=ALLOWED_CHARS, min_size=3, max_size=3)
rngs = st.integers(min_value=0, max_value=2**32 - 1).map(random.Random)


def weighted_sum(vin: str) -> int:
    return sum(TRANSLITERATION[char] * weight for char, weight in zip(vin, WEIGHTS, strict=True))


def replace_at(vin: str, index: int, char: str) -> str:
    return vin[:index] + char + vin[index + 1 :]


@pytest.mark.parametrize("vin", REAL_VINS)
def test_real_vins_are_accepted_unchanged(vin: str) -> None:
    assert normalize_vin(vin) == vin


@pytest.mark.parametrize("vin", REAL_VINS)
def test_check_digit_of_real_vins_matches_position_9(vin: str) -> None:
    assert vin_check_digit(vin) == vin[CHECK_INDEX]


def test_remainder_ten_becomes_x() -> None:
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"


def test_check_digit_ignores_what_is_at_position_9() -> None:
    assert vin_check_digit("1HGCM82693A004352") == "3"


def test_normalize_strips_whitespace_and_upper_cases() -> None:
    assert normalize_vin("  1hgcm82633a004352\n") == "1HGCM82633A004352"


def test_normalize_accepts_lower_case_check_x() -> None:
    assert normalize_vin("1m8gdm9axkp042788") == "1M8GDM9AXKP042788"


@pytest.mark.parametrize(
    ("raw", "found"),
    [("1HGCM82633A00435", 16), ("1HGCM82633A0043521", 18), ("1HG", 3)],
)
def test_wrong_length_reports_length_found(raw: str, found: int) -> None:
    with pytest.raises(InvalidVin, match=rf"exactly 17 characters.* has {found}\b"):
        normalize_vin(raw)


def test_empty_vin_is_rejected() -> None:
    with pytest.raises(InvalidVin, match="empty"):
        normalize_vin("   ")


@pytest.mark.parametrize(
    ("raw", "letter", "position"),
    [("IHGCM82633A004352", "I", 1), ("1HGCM82633AOO4352", "O", 12), ("1HGCM8263QA004352", "Q", 10)],
)
def test_forbidden_letters_are_named_with_position(raw: str, letter: str, position: int) -> None:
    with pytest.raises(InvalidVin, match=rf"'{letter}' at position {position}.*I, O or Q"):
        normalize_vin(raw)


def test_forbidden_lower_case_letter_is_caught() -> None:
    with pytest.raises(InvalidVin, match="I, O or Q"):
        normalize_vin("1hgcm82633a0o4352")


@pytest.mark.parametrize(
    ("raw", "bad_char"),
    [("1HG-CM82633A00435", "-"), ("1HGCM8 2633A00435", " "), ("1HGCM82633A00435é", "é")],
)
def test_non_alphanumeric_characters_are_rejected(raw: str, bad_char: str) -> None:
    with pytest.raises(InvalidVin, match=rf"'{bad_char}' at position \d+.*only the letters"):
        normalize_vin(raw)


def test_wrong_check_digit_says_which_digit_was_expected() -> None:
    with pytest.raises(InvalidVin, match=r"expected '3' at position 9 but found '4'"):
        normalize_vin("1HGCM82643A004352")


def test_invalid_vin_is_a_value_error() -> None:
    assert issubclass(InvalidVin, ValueError)


def test_check_digit_requires_17_characters() -> None:
    with pytest.raises(InvalidVin, match="exactly 17"):
        vin_check_digit("1HGCM82633")


def test_model_year_codes_follow_the_30_year_cycle() -> None:
    assert model_year_code(1980) == "A"
    assert model_year_code(2001) == "1"
    assert model_year_code(2010) == "A"
    assert model_year_code(2024) == "R"
    assert model_year_code(2026) == "T"


@pytest.mark.parametrize("wmi", ["MA", "MAIN", "MO3", "M-3"])
def test_make_vin_rejects_bad_wmi(wmi: str) -> None:
    with pytest.raises(ValueError, match="manufacturer identifier"):
        make_vin(random.Random(0), wmi)


def test_make_vin_is_deterministic_for_a_seed() -> None:
    assert make_vin(random.Random(7), "MA3") == make_vin(random.Random(7), "MA3")


def test_make_vin_uses_requested_year() -> None:
    assert make_vin(random.Random(1), "MAT", year=2023)[9] == "P"


@given(rng=rngs, wmi=wmis)
def test_make_vin_yields_valid_vins(rng: random.Random, wmi: str) -> None:
    vin = make_vin(rng, wmi)
    assert normalize_vin(vin) == vin
    assert vin.startswith(wmi)
    assert vin[9] in MODEL_YEAR_CODES
    assert vin[10] in ALLOWED_CHARS


@given(
    rng=rngs,
    wmi=wmis,
    index=st.sampled_from(NON_CHECK_INDEXES),
    replacement=st.sampled_from(ALLOWED_CHARS),
)
def test_single_character_changes_are_detected(
    rng: random.Random, wmi: str, index: int, replacement: str
) -> None:
    vin = make_vin(rng, wmi)
    mutated = replace_at(vin, index, replacement)
    # Swaps between characters with equal transliterated values (A/J/1) are undetectable.
    assume(weighted_sum(mutated) % 11 != weighted_sum(vin) % 11)
    with pytest.raises(InvalidVin, match="check digit"):
        normalize_vin(mutated)
