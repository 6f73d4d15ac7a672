"""Domain exceptions and framework errors as enveloped answers. No stack trace ever leaves here."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import breaker
from api.envelope import ErrorItem, error_body
from data.excel_cars import WorkbookRejected, WorkbooksBusy
from domain.bidding.rules import BidTooLow
from domain.bidding.service import LotClosed
from domain.errors import (
    AlreadyApplied,
    AlreadyReported,
    DomainError,
    EmailTaken,
    Forbidden,
    InvalidCredentials,
    InvalidTransition,
    KeyReused,
    LoginLocked,
    NotFound,
    RateLimited,
    SessionExpired,
    ValidationFailed,
)
from domain.inventory.bulk_upload import UploadHasProblems

log = logging.getLogger("api")
STORE_DOWN = "The database is unreachable right now; nothing was changed. Try again in a few seconds."
BUSY = "The record was busy with other changes and nothing was changed; try again."
IDEMPOTENCY_KEY = "Idempotency-Key"
UNEXPECTED = "Something went wrong on our side; nothing was changed. Try again, or contact support."

# First match wins, so subclasses come before their bases (OwnLot is a Forbidden: 403).
DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (ValidationFailed, 422), (UploadHasProblems, 422), (BidTooLow, 409), (LotClosed, 409),
    (InvalidTransition, 409), (AlreadyApplied, 409), (AlreadyReported, 409), (EmailTaken, 409),
    (NotFound, 404), (Forbidden, 403), (SessionExpired, 401), (InvalidCredentials, 401), (LoginLocked, 429),
    (RateLimited, 429),
    (WorkbookRejected, 400), (WorkbooksBusy, 503), (DomainError, 400),
)


class ApiError(Exception):
    """An answer decided by the API itself (rate limit, body size, missing token, store down)."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None,
                 data: Any = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers, self.data = status, message, headers or {}, data


def unauthorized(message: str = "Sign in first: send 'Authorization: Bearer <access token>'.") -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": "Bearer"})


def domain_status(error: DomainError) -> int:
    return next(status for kind, status in DOMAIN_STATUS if isinstance(error, kind))


def domain_answer(error: DomainError) -> JSONResponse:
    status = domain_status(error)
    errors, data = [], None
    if isinstance(error, KeyReused):  # the domain's submission key is the API's Idempotency-Key
        errors = [ErrorItem(field=IDEMPOTENCY_KEY, message=text) for text in error.problems.values()]
    elif isinstance(error, ValidationFailed):
        errors = [ErrorItem(field=field, message=text) for field, text in error.problems.items()]
    if isinstance(error, BidTooLow):
        data = {"minimum_next": str(error.minimum)}
        errors = [ErrorItem(field="max_amount", message=str(error))]
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if isinstance(error, LoginLocked):
        headers["Retry-After"] = "900"
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, WorkbooksBusy):
        headers["Retry-After"] = "30"
    message = "Some fields need fixing." if isinstance(error, ValidationFailed) else str(error)
    return JSONResponse(error_body(message, errors, data), status_code=status, headers=headers)


async def _domain(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    return domain_answer(error)


async def _api(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return JSONResponse(error_body(error.message, data=error.data), status_code=error.status,
                        headers=error.headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc[1:]] if loc and loc[0] in ("body", "query", "path", "header") else []
    return ".".join(parts) or str(loc[0] if loc else "request")


async def _invalid(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    items = [ErrorItem(field=_field(tuple(e.get("loc", ()))), message=str(e.get("msg", "is not valid")))
             for e in error.errors()]
    return JSONResponse(error_body("Some fields need fixing.", items), status_code=422)


async def _http(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    return JSONResponse(error_body(str(error.detail)), status_code=error.status_code,
                        headers=dict(error.headers or {}))


async def _bad_value(_request: Request, error: Exception) -> JSONResponse:
    """Some services check one text with clean_text and let its ValueError out (its message is written
    for the user): the same answer as a ValidationFailed."""
    if isinstance(error, PydanticValidationError):  # our own answer failed its model: a bug, not input
        return await _unexpected(_request, error)
    return JSONResponse(error_body(str(error), [ErrorItem(message=str(error))]), status_code=422)


async def _store_down(request: Request, error: Exception) -> JSONResponse:
    cause = getattr(error, "orig", None) or error
    log.warning("store error", extra={"error": type(cause).__name__, "path": request.url.path,
                                      "sqlstate": getattr(cause, "sqlstate", None)})
    if _contention(cause):
        return JSONResponse(error_body(BUSY), status_code=409)
    breaker.trip()
    return store_down_answer()


def _contention(cause: object) -> bool:
    """A deadlock, a serialization failure or a busy SQLite file: the store is up, the request lost a
    race and may simply be retried. Anything else (no connection, too many clients) is the store down."""
    sqlstate = str(getattr(cause, "sqlstate", "") or "")
    return sqlstate.startswith("40") or "database is locked" in str(cause)


def store_down_answer() -> JSONResponse:
    return JSONResponse(error_body(STORE_DOWN), status_code=503, headers={"Retry-After": "2"})


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=error, extra={"path": request.url.path})
    return JSONResponse(error_body(UNEXPECTED), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(ApiError, _api)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(ValueError, _bad_value)
    app.add_exception_handler(OperationalError, _store_down)
    app.add_exception_handler(InterfaceError, _store_down)
    app.add_exception_handler(Exception, _unexpected)
