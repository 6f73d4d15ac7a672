"""Run a request once per Idempotency-Key: a retry gets the stored first answer, errors included."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse

from api.errors import domain_answer
from domain.accounts.idempotency import idem_begin, idem_finish, idem_forget
from domain.errors import DomainError

REPLAYED = "Idempotent-Replayed"


def once(user_id: int, key: str | None, *, endpoint: str, fingerprint: str,
         work: Callable[[], JSONResponse]) -> JSONResponse:
    if key is None:
        return _answer(work)
    stored = idem_begin(user_id, key, endpoint=endpoint, fingerprint=fingerprint)
    if stored is not None:
        return JSONResponse(stored.body, status_code=stored.status_code, headers={REPLAYED: "true"})
    try:
        response = _answer(work)
    except BaseException:
        idem_forget(user_id, key)
        raise
    if response.status_code >= 500:
        idem_forget(user_id, key)
    else:
        idem_finish(user_id, key, status_code=response.status_code, body=_body(response))
    return response


def _answer(work: Callable[[], JSONResponse]) -> JSONResponse:
    try:
        return work()
    except DomainError as error:
        return domain_answer(error)


def _body(response: JSONResponse) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(bytes(response.body))
    return body
