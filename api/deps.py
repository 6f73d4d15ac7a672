"""Request dependencies: the signed-in actor, the caller's address, rate limits, idempotency keys."""

from __future__ import annotations

import hashlib
import secrets
from typing import Annotated

from fastapi import Depends, Header, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.cache import ReadCaches
from api.errors import unauthorized
from api.logs import set_user
from api.ratelimit import RateLimits
from domain.auth import session_resolve
from domain.errors import ValidationFailed
from domain.permissions import Actor

bearer = HTTPBearer(auto_error=False, description="The access token from /auth/login or /auth/refresh.")


def limits(request: Request) -> RateLimits:
    found: RateLimits = request.app.state.limits
    return found


def client_address(request: Request) -> str:
    return (request.client.host if request.client else "unknown")[:64]


def token_of(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise unauthorized()
    return credentials.credentials


async def reads(request: Request) -> ReadCaches:
    found: ReadCaches = request.app.state.reads
    return found


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def current_actor(request: Request, credentials: Credentials) -> Actor:
    """The token names a session; session_resolve checks revocation, expiry and the user's status in
    the store on every request (one query). Both blocking calls share one worker-thread hop."""
    token = token_of(credentials)
    actor = await run_in_threadpool(_limited_resolve, limits(request), token)
    set_user(actor.id)
    return actor


def _limited_resolve(limiter: RateLimits, token: str) -> Actor:
    limiter.hit("token", hashlib.sha256(token.encode()).hexdigest()[:32])
    return session_resolve(token)


def anonymous(request: Request) -> None:
    """Requests without a token are limited per address."""
    limits(request).hit("address", client_address(request))


def bid_limit(request: Request, actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    limits(request).hit("bids", str(actor.id))
    return actor


async def idempotency_key(idempotency_key: Annotated[str | None, Header(
        description="Retries with the same key return the first answer and place nothing twice "
                    "(8 to 64 characters).")] = None) -> str:
    if idempotency_key is None:
        return secrets.token_hex(16)
    if not 8 <= len(idempotency_key) <= 64 or not idempotency_key.isascii():
        raise ValidationFailed({"Idempotency-Key": "Send 8 to 64 ASCII characters."})
    return idempotency_key


Id = Annotated[int, Path(ge=1, le=2**31 - 1, description="A record's id")]
CurrentActor = Annotated[Actor, Depends(current_actor)]
Bidder = Annotated[Actor, Depends(bid_limit)]
IdempotencyKey = Annotated[str, Depends(idempotency_key)]
Reads = Annotated[ReadCaches, Depends(reads)]
