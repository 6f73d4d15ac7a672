"""Input rules for people and stores. Each check returns the cleaned value or raises ValueError
with a message that says what to fix; `collect` turns a batch of checks into one ValidationFailed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any
from zoneinfo import available_timezones

from domain.errors import ValidationFailed

PASSWORD_MIN = 10
BCRYPT_MAX_BYTES = 72  # bcrypt ignores (bcrypt 5: rejects) anything longer
NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$")
STORE_PATTERN = re.compile(r"^[\w&.,'()\- ]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 \-]{7,20}$")
POSTAL_PATTERN = re.compile(r"^[A-Za-z0-9 \-]{3,12}$")
COMMON_PASSWORDS = frozenset(
    {"password123", "qwerty12345", "1234567890", "iloveyou123", "password1!", "letmein1234",
     "welcome123", "admin12345", "abc1234567", "passw0rd123"}
)


def collect(checks: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run every check, so the user sees all problems at once, not one per attempt."""
    cleaned: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field, check in checks.items():
        try:
            cleaned[field] = check()
        except ValueError as error:
            problems[field] = str(error)
    if problems:
        raise ValidationFailed(problems)
    return cleaned


def checked_text(field: str, value: object, *, label: str, max_len: int, min_len: int = 1) -> str:
    """`clean_text` for a service taking one text argument: a problem is a ValidationFailed naming it."""
    try:
        return clean_text(value, label=label, max_len=max_len, min_len=min_len)
    except ValueError as error:
        raise ValidationFailed({field: str(error)}) from None


def clean_text(value: object, *, label: str, max_len: int, min_len: int = 1) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{label} must be text.")
    text = unicodedata.normalize("NFC", value).strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise ValueError(f"{label} contains control characters; remove them.")
    if len(text) < min_len:
        raise ValueError(f"{label} is required." if min_len == 1 else
                         f"{label} needs at least {min_len} characters.")
    if len(text) > max_len:
        raise ValueError(f"{label} is {len(text)} characters long; the limit is {max_len}.")
    return text


def clean_email(value: object) -> str:
    # Imported here: the sandboxed workbook reader loads this module for `clean_text` and would pay
    # for email_validator's start (a fifth of what is left of it) without ever checking an address.
    from email_validator import EmailNotValidError, validate_email

    text = clean_text(value, label="Email", max_len=254)
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"Email is not valid: {error}") from None
    return result.normalized.lower()


def clean_person_name(value: object) -> str:
    text = clean_text(value, label="Name", max_len=100, min_len=2)
    if not NAME_PATTERN.match(text):
        raise ValueError("Name may contain letters, spaces, apostrophes, dots and hyphens only.")
    return text


def clean_store_name(value: object) -> str:
    text = clean_text(value, label="Store name", max_len=120, min_len=3)
    if not STORE_PATTERN.match(text):
        raise ValueError("Store name may contain letters, digits, spaces and & . , ' ( ) - only.")
    return text


def clean_phone(value: object) -> str | None:
    if value in (None, ""):
        return None
    text = clean_text(value, label="Phone", max_len=20)
    if not PHONE_PATTERN.match(text):
        raise ValueError("Phone must be digits, spaces or hyphens, optionally starting with +.")
    return text


def clean_postal_code(value: object) -> str:
    text = clean_text(value, label="Postal code", max_len=12, min_len=3)
    if not POSTAL_PATTERN.match(text):
        raise ValueError("Postal code may contain letters, digits, spaces and hyphens only.")
    return text.upper()


def clean_timezone(value: object) -> str:
    text = clean_text(value, label="Time zone", max_len=64)
    if text not in available_timezones():
        raise ValueError(f"'{text}' is not a known time zone; pick one such as Asia/Kolkata.")
    return text


def check_password_strength(password: object, *, email: str = "") -> str:
    if not isinstance(password, str):
        raise ValueError("Password must be text.")
    if len(password.encode()) > BCRYPT_MAX_BYTES:
        raise ValueError(f"Password is longer than {BCRYPT_MAX_BYTES} bytes; choose a shorter one.")
    if len(password) < PASSWORD_MIN:
        raise ValueError(f"Password needs at least {PASSWORD_MIN} characters.")
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
    if classes < 3 and len(password) < 16:
        raise ValueError("Password needs three of: lower-case, upper-case, digits, symbols "
                         "(or at least 16 characters).")
    local = email.split("@", maxsplit=1)[0].lower()
    if password.lower() in COMMON_PASSWORDS or (len(local) >= 4 and local in password.lower()):
        raise ValueError("Password is too easy to guess; avoid common passwords and your email.")
    return password
