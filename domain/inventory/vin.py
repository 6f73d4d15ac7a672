"""Vehicle Identification Number rules (ISO 3779, North American check-digit scheme).

A VIN has 17 characters: a 3-character world manufacturer identifier (WMI),
a 5-character vehicle descriptor, the check digit at position 9, the model-year
code at position 10, the plant code at position 11 and a 6-character serial.
The letters I, O and Q never appear because they are too easily read as 1 and 0.
"""

import random
from collections.abc import Iterable

from data.car_fields import VIN_LENGTH as VIN_LENGTH  # noqa: PLC0414  (re-exported for the rules)

CHECK_DIGIT_POSITION = 9  # 1-based, as VIN positions are always quoted
WMI_LENGTH = 3

FORBIDDEN_LETTERS = frozenset("IOQ")
ALLOWED_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"

# Letters map to the digit printed under them on the standard table; the gaps
# (S is 2, not 10) come from the table skipping I, O and Q and wrapping at 9.
TRANSLITERATION: dict[str, int] = {
    **{str(digit): digit for digit in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}  # fmt: skip

# Position 9 has weight 0 so the check digit does not take part in its own sum.
WEIGHTS: tuple[int, ...] = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)

# Model-year codes repeat every 30 years from 1980 ("A"); U, Z and 0 are never
# used here so the year code cannot be mistaken for a serial-number digit.
MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
MODEL_YEAR_EPOCH = 1980

_SERIAL_DIGITS = "0123456789"
_MAX_LISTED = 5


class InvalidVin(ValueError):
    """A VIN that breaks the ISO 3779 rules; the message explains the fix."""


def normalize_vin(raw: str) -> str:
    """Return `raw` trimmed and upper-cased if it is a valid VIN, else raise InvalidVin."""
    candidate = raw.strip()
    _check_characters(candidate)
    vin = candidate.upper()
    _check_length(vin)
    _check_check_digit(vin)
    return vin


def vin_check_digit(vin: str) -> str:
    """Compute the check digit of a 17-character VIN, ignoring what is at position 9."""
    _check_characters(vin)
    _check_length(vin)
    total = sum(TRANSLITERATION[char.upper()] * weight for char, weight in zip(vin, WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def model_year_code(year: int) -> str:
    """The position-10 character for a model year (the code cycles every 30 years)."""
    return MODEL_YEAR_CODES[(year - MODEL_YEAR_EPOCH) % len(MODEL_YEAR_CODES)]


def make_vin(rng: random.Random, wmi: str, *, year: int | None = None) -> str:
    """Build a random but valid VIN for demo data, starting with the manufacturer code `wmi`.

    `year` fixes the model-year code at position 10; without it a random valid code is used.
    """
    manufacturer = _validated_wmi(wmi)
    descriptor = _random_chars(rng, ALLOWED_CHARS, 5)
    year_char = model_year_code(year) if year is not None else rng.choice(MODEL_YEAR_CODES)
    plant = rng.choice(ALLOWED_CHARS)
    # High-volume makers use an all-numeric serial, which reads more like a real VIN.
    serial = _random_chars(rng, _SERIAL_DIGITS, 6)
    draft = f"{manufacturer}{descriptor}0{year_char}{plant}{serial}"
    return _with_check_digit(draft)


def _with_check_digit(vin: str) -> str:
    index = CHECK_DIGIT_POSITION - 1
    return vin[:index] + vin_check_digit(vin) + vin[index + 1 :]


def _random_chars(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def _validated_wmi(wmi: str) -> str:
    code = wmi.strip().upper()
    if len(code) != WMI_LENGTH or any(char not in ALLOWED_CHARS for char in code):
        raise ValueError(
            f"World manufacturer identifier must be {WMI_LENGTH} characters from "
            f"{ALLOWED_CHARS!r} (no I, O or Q); got {wmi!r}."
        )
    return code


def _check_length(vin: str) -> None:
    if len(vin) == VIN_LENGTH:
        return
    if not vin:
        raise InvalidVin(f"VIN is empty; enter all {VIN_LENGTH} characters.")
    problem = "missing" if len(vin) < VIN_LENGTH else "extra"
    raise InvalidVin(
        f"VIN must be exactly {VIN_LENGTH} characters, but {vin!r} has {len(vin)}; "
        f"look for a {problem} character."
    )


def _check_characters(vin: str) -> None:
    # Forbidden letters get their own message: they are a typo for 1/0, not junk.
    forbidden = [(pos, char) for pos, char in _positions(vin) if char.upper() in FORBIDDEN_LETTERS]
    if forbidden:
        raise InvalidVin(
            f"VIN contains {_describe(forbidden)}; VINs never use the letters I, O or Q "
            "(they are read as 1 and 0), so type I as the digit 1 and O or Q as the digit 0."
        )
    # Compare upper-cased single characters so non-ASCII letters (é, ß) are rejected too.
    invalid = [(pos, char) for pos, char in _positions(vin) if char.upper() not in ALLOWED_CHARS]
    if invalid:
        raise InvalidVin(
            f"VIN contains {_describe(invalid)}; only the letters A-Z (except I, O, Q) and "
            "the digits 0-9 are allowed, so remove spaces, dashes and punctuation."
        )


def _check_check_digit(vin: str) -> None:
    expected = vin_check_digit(vin)
    found = vin[CHECK_DIGIT_POSITION - 1]
    if found != expected:
        raise InvalidVin(
            f"VIN check digit is wrong: expected {expected!r} at position {CHECK_DIGIT_POSITION} "
            f"but found {found!r}; a character is probably mistyped, so compare the VIN "
            "against the registration certificate or the chassis plate."
        )


def _positions(vin: str) -> Iterable[tuple[int, str]]:
    return enumerate(vin, start=1)


def _describe(found: list[tuple[int, str]]) -> str:
    # A pasted paragraph would otherwise produce an unreadable wall of positions.
    shown = found[:_MAX_LISTED]
    listed = ", ".join(f"{char!r} at position {pos}" for pos, char in shown)
    if len(found) > len(shown):
        listed += f" and {len(found) - len(shown)} more"
    noun = "character" if len(found) == 1 else "characters"
    return f"the {noun} {listed}"
