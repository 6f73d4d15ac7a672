"""Unknown query parameters are refused (422), not silently ignored: a client that misspells a filter
(`?pric_min=`) learns it at once instead of getting unfiltered results."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute


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
