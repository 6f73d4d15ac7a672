"""The seed's answer shape, on every response, errors included:
`{"status", "data", "message", "errors", "pagination"}`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Generic, Literal, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

T = TypeVar("T")
MAX_LIMIT = 100


class Pagination(BaseModel):
    page: int
    limit: int
    total: int
    pages: int


class ErrorItem(BaseModel):
    field: str | None = None  # the invalid field (or row / cell) when there is one
    message: str


class Envelope(BaseModel, Generic[T]):
    status: Literal["success"] = "success"
    data: T
    message: str = ""
    errors: list[ErrorItem] = Field(default_factory=list)
    pagination: Pagination | None = None


class ErrorEnvelope(BaseModel):
    status: Literal["error"] = "error"
    data: Any = None
    message: str
    errors: list[ErrorItem] = Field(default_factory=list)
    pagination: None = None


class PageParams(BaseModel):
    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


async def page_params(page: int = Query(1, ge=1, le=100_000),
                limit: int = Query(20, ge=1, le=MAX_LIMIT)) -> PageParams:
    return PageParams(page=page, limit=limit)


def ok(data: T, message: str = "", pagination: Pagination | None = None) -> Envelope[T]:
    return Envelope[T](data=data, message=message, pagination=pagination)


def paged(items: list[T], total: int, params: PageParams, message: str = "") -> Envelope[list[T]]:
    pages = math.ceil(total / params.limit) if total else 0
    return ok(items, message, Pagination(page=params.page, limit=params.limit, total=total, pages=pages))


def page_of(items: Sequence[T], params: PageParams) -> tuple[list[T], int]:
    """One page of a list the domain returns whole (already capped by the domain)."""
    return list(items[params.offset:params.offset + params.limit]), len(items)


def error_body(message: str, errors: list[ErrorItem] | None = None, data: Any = None) -> dict[str, Any]:
    return ErrorEnvelope(message=message, errors=errors or [], data=data).model_dump(mode="json")
