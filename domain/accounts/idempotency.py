"""The first answer to a user's request sent with an Idempotency-Key (the API's: api/idempotent.py),
kept so a retry gets it back and nothing is done twice. A key is the caller's: (user, key) is unique;
the same key with another request is refused. A record left unfinished by a crashed process is taken
over after STALE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col

from data.bid_store import insert_once
from data.models import ApiIdempotency
from data.types import utcnow
from data.uow import UnitOfWork
from domain.errors import InvalidTransition, KeyReused

STALE = timedelta(minutes=10)


@dataclass(frozen=True)
class Stored:
    status_code: int
    body: dict[str, Any]


def idem_begin(user_id: int, key: str, *, endpoint: str, fingerprint: str) -> Stored | None:
    """None: this request goes ahead (the key is now held). Otherwise the first answer to replay."""
    now = utcnow()
    with UnitOfWork() as uow:
        claimed = insert_once(uow.session, ApiIdempotency, {
            "user_id": user_id, "key": key, "endpoint": endpoint, "fingerprint": fingerprint,
            "created_at": now})
        row = None if claimed else uow.session.get(ApiIdempotency, (user_id, key))
        if row is not None and row.status_code is None and row.created_at < now - STALE:
            claimed = _take_over(uow, row, now)
        uow.commit()
    if claimed or row is None:
        return None
    if row.endpoint != endpoint or row.fingerprint != fingerprint:
        raise KeyReused()
    if row.status_code is None or row.body is None:
        raise InvalidTransition("A request with this Idempotency-Key is still running; retry shortly.")
    return Stored(row.status_code, row.body)


def _take_over(uow: UnitOfWork, row: ApiIdempotency, now: Any) -> bool:
    result = uow.session.execute(update(ApiIdempotency).where(
        col(ApiIdempotency.user_id) == row.user_id, col(ApiIdempotency.key) == row.key,
        col(ApiIdempotency.created_at) == row.created_at).values(created_at=now))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def idem_finish(user_id: int, key: str, *, status_code: int, body: dict[str, Any]) -> None:
    with UnitOfWork() as uow:
        uow.session.execute(update(ApiIdempotency).where(
            col(ApiIdempotency.user_id) == user_id, col(ApiIdempotency.key) == key)
            .values(status_code=status_code, body=body))
        uow.commit()


def idem_forget(user_id: int, key: str) -> None:
    """The request failed on our side: a retry may run it afresh."""
    with UnitOfWork() as uow:
        uow.session.execute(delete(ApiIdempotency).where(
            col(ApiIdempotency.user_id) == user_id, col(ApiIdempotency.key) == key))
        uow.commit()
