"""Unknown input is refused (422), never silently ignored: a client that misspells a filter
(`?pric_min=`) learns it at once instead of getting unfiltered results, and a body field the route does
not take (a bid's `bidder_id` or `status`) is not mistaken for a plain request. JSON bodies are models
built on `StrictIn` (extra="forbid"); form fields and bodies sent to routes that take none are checked
here, for every route (the app's dependencies)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict

UNKNOWN_FIELD = "Unknown field: this request does not take it"


class StrictIn(BaseModel):
    """A request body: fields the model does not declare are refused."""

    model_config = ConfigDict(extra="forbid")


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def reject_unknown_query(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed: set[str] | None = getattr(route, "query_names", None)
    if allowed is None:  # worked out once per route, not per request
        allowed = _query_names(route.dependant)
        route.query_names = allowed  # type: ignore[attr-defined]
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        hint = ", ".join(sorted(allowed)) or "none"
        raise RequestValidationError([
            {"loc": ("query", name), "msg": f"Unknown query parameter; allowed: {hint}",
             "type": "extra_forbidden", "input": request.query_params.get(name)}
            for name in unknown[:20]])


async def reject_unknown_body(request: Request) -> None:
    """Form fields a route does not declare, and any field sent to a route that takes no body."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    declared = route.dependant.body_params
    if not declared:
        unknown = await _json_fields(request)
    elif request.headers.get("content-type", "").startswith(("multipart/form-data",
                                                               "application/x-www-form-urlencoded")):
        unknown = sorted(set((await request.form()).keys()) - {field.alias for field in declared})
    else:
        return  # a JSON model: StrictIn refuses its extra fields itself
    if unknown:
        raise RequestValidationError([{"loc": ("body", name), "msg": UNKNOWN_FIELD, "type": "extra_forbidden",
                                       "input": None} for name in unknown[:20]])


async def _json_fields(request: Request) -> list[str]:
    """The fields of a JSON body sent where none is taken (an empty body or `{}` is fine)."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        return []
    raw = await request.body()  # bounded by the Gate's body limit
    if not raw.strip():
        return []
    try:
        sent: Any = json.loads(raw)
    except ValueError:
        return ["body"]
    return [str(name) for name in sent] if isinstance(sent, dict) else ["body"]
