"""Request dependencies: the signed-in actor, the caller's address, rate limits, idempotency keys."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.cache import ReadCaches
from api.errors import unauthorized
from api.logs import set_user
from api.ratelimit import RateLimits
from domain.accounts.auth import session_resolve
from domain.errors import ValidationFailed
from domain.permissions import Actor

T = TypeVar("T")
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


@dataclass(frozen=True)
class Caller:
    """A request's bearer token, not checked yet. `run(work)` checks it (the token's rate limit, then
    its session in the store) and does the route's blocking work in the same worker-thread hop. Each
    hop waits its turn in the worker's thread queue, so a request that took two (the session check,
    then the route) queued twice under load; busy routes take one."""

    token: str
    limits: RateLimits

    def actor(self) -> Actor:
        """Blocking: the signed-in actor, or 401/429."""
        self.limits.hit("token", hashlib.sha256(self.token.encode()).hexdigest()[:32])
        actor = session_resolve(self.token)
        set_user(actor.id)
        return actor

    async def run(self, work: Callable[[Actor], T]) -> T:
        return await run_in_threadpool(lambda: work(self.actor()))



async def caller(request: Request, credentials: Credentials) -> Caller:
    """Every endpoint but register, login, refresh and the probes: a token must be there (401)."""
    return Caller(token_of(credentials), limits(request))


async def current_actor(who: Annotated[Caller, Depends(caller)]) -> Actor:
    """The signed-in actor, for routes whose own work is cheap or async (one hop, for the check)."""
    return await who.run(lambda actor: actor)


def anonymous(request: Request) -> None:
    """Requests without a token are limited per address."""
    limits(request).hit("address", client_address(request))


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
CurrentCaller = Annotated[Caller, Depends(caller)]
IdempotencyKey = Annotated[str, Depends(idempotency_key)]
Reads = Annotated[ReadCaches, Depends(reads)]
