from __future__ import annotations

from pydantic import BaseModel, Field, StrictBool

from api.strict import StrictIn
from domain.types import Role, UserStatus


class RegisterIn(StrictIn):
    email: str = Field(max_length=254)
    name: str = Field(max_length=100)
    password: str = Field(max_length=200)


class LoginIn(StrictIn):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class RefreshIn(StrictIn):
    refresh_token: str = Field(min_length=1, max_length=200)


class PasswordResetIn(StrictIn):
    email: str = Field(max_length=254)


class PasswordResetConfirmIn(StrictIn):
    token: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(max_length=200)


class EmailVerifyIn(StrictIn):
    token: str = Field(min_length=1, max_length=1000)


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 — the scheme's name
    expires_in: int
    user_id: int


class ProfileIn(StrictIn):
    name: str = Field(max_length=100)
    phone: str | None = Field(default=None, max_length=20)
    city: str | None = Field(default=None, max_length=80)
    timezone: str = Field(default="Asia/Kolkata", max_length=64)


class UserChangeIn(StrictIn):
    """An admin sets roles or status (with a reason); a user changes their own password."""

    roles: list[Role] | None = None
    status: UserStatus | None = None
    reason: str = Field(default="", max_length=500)
    current_password: str | None = Field(default=None, max_length=200)
    new_password: str | None = Field(default=None, max_length=200)


class DeleteAccountIn(StrictIn):
    password: str = Field(max_length=200)


class EmailPreferencesIn(StrictIn):
    """The topics to change; those left out keep their setting."""

    outbid: StrictBool | None = None
    won: StrictBool | None = None
    ending_soon: StrictBool | None = None
    offer_declined: StrictBool | None = None

    def choices(self) -> dict[str, bool]:
        return {name: value for name, value in self.model_dump().items() if value is not None}
