"""Structured JSON logs: one object per line, each with the request id (and the user id once known).
Only what the API chooses to log is logged: never headers, bodies, passwords or tokens."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

# One mutable dict per request: the auth dependency runs in a worker thread (a copy of the context),
# so it writes the user id into this shared dict rather than setting a variable of its own.
request_context: ContextVar[dict[str, Any] | None] = ContextVar("request_context", default=None)


class RequestFields(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.get() or {}
        record.request_id = context.get("request_id")
        record.user_id = context.get("user_id")
        return True


def set_user(user_id: int) -> None:
    context = request_context.get()
    if context is not None:
        context["user_id"] = user_id


def configure_logging(level: int = logging.INFO) -> None:
    logger = logging.getLogger("api")
    if any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                       rename_fields={"levelname": "level", "asctime": "time"}))
    handler.addFilter(RequestFields())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
