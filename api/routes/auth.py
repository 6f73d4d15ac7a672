"""POST /auth/register, /auth/login, /auth/logout, /auth/refresh, /auth/password-reset[/confirm],
/auth/verify-email."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials

from api.deps import CurrentActor, anonymous, bearer, client_address, limits, token_of
from api.envelope import Envelope, ok
from api.schemas.users import (
    EmailVerifyIn,
    LoginIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RefreshIn,
    RegisterIn,
    TokensOut,
)
from api.settings import get_api_settings
from domain.accounts import tokens
from domain.accounts.email_verification import email_verify
from domain.accounts.password_reset import password_reset_confirm, password_reset_request
from domain.accounts.users import UserView, user_register, user_view

router = APIRouter(prefix="/auth", tags=["auth"])


def _tokens(pair: tokens.TokenPair) -> TokensOut:
    return TokensOut(access_token=pair.access_token, refresh_token=pair.refresh_token,
                     expires_in=pair.expires_in, user_id=pair.user_id)


@router.post("/register", status_code=201, dependencies=[Depends(anonymous)])
def register(body: RegisterIn, request: Request) -> Envelope[UserView]:
    actor = user_register(email=body.email, name=body.name, password=body.password,
                          address=client_address(request))
    return ok(user_view(actor, actor.id), "Account created: sign in to get a token.")


@router.post("/login", dependencies=[Depends(anonymous)])
def login(body: LoginIn, request: Request) -> Envelope[TokensOut]:
    address = client_address(request)
    limits(request).hit("login_address", address)
    limits(request).hit("login_account", body.email.strip().lower()[:254])
    pair = tokens.tokens_login(email=body.email, password=body.password, address=address,
                               refresh_days=get_api_settings().refresh_days)
    return ok(_tokens(pair), "Signed in.")


@router.post("/refresh", dependencies=[Depends(anonymous)])
def refresh(body: RefreshIn) -> Envelope[TokensOut]:
    pair = tokens.tokens_refresh(body.refresh_token, refresh_days=get_api_settings().refresh_days)
    return ok(_tokens(pair), "Token renewed.")


@router.post("/logout")
def logout(actor: CurrentActor,
           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Envelope[None]:
    tokens.tokens_logout(token_of(credentials), actor.session_id)
    return ok(None, "Signed out.")


@router.post("/password-reset", status_code=202, dependencies=[Depends(anonymous)])
def password_reset(body: PasswordResetIn, request: Request) -> Envelope[None]:
    """Always 202 with the same message: whether an account uses the email is not revealed."""
    limits(request).hit("login_address", client_address(request))
    return ok(None, password_reset_request(body.email))


@router.post("/password-reset/confirm", dependencies=[Depends(anonymous)])
def password_reset_done(body: PasswordResetConfirmIn) -> Envelope[None]:
    password_reset_confirm(body.token, body.new_password)
    return ok(None, "Password changed, and every session signed out: sign in with the new password.")


@router.post("/verify-email", dependencies=[Depends(anonymous)])
def verify_email(body: EmailVerifyIn) -> Envelope[None]:
    email_verify(body.token)
    return ok(None, "Email address verified.")
