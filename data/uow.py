"""The unit of work: one user action is one transaction, with its audit entry and change-log rows.

Every flush of a tracked table (users, dealers, cars, auctions, lots, bids) appends `change_log` rows
in the same transaction, so the analytics copy can follow the store exactly. Writes that bypass the
ORM (guarded UPDATEs of the bidding engine) call `record_change` themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, event, insert, text
from sqlalchemy.orm import Session as SASession
from sqlmodel import Session

from data.db import get_engine, reader, writer
from data.events import touch_lots
from data.models import TRACKED_TABLES, AuditLog, ChangeLog
from data.types import utcnow


class UnitOfWork:
    """`with UnitOfWork() as uow: ...; uow.commit()` — anything not committed is rolled back."""

    def __init__(self, *, write: bool = True, engine: Engine | None = None) -> None:
        base = engine or get_engine()
        self._engine = writer(base) if write else reader(base)

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self._engine, expire_on_commit=False)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.close()  # rolls back whatever was not committed, without expiring loaded rows

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def commit(self) -> None:
        self.session.commit()

    def audit(
        self,
        *,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: int | None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self.session.add(
            AuditLog(actor_id=actor_id, action=action, entity=entity, entity_id=entity_id,
                     before=_jsonable(before), after=_jsonable(after))
        )

    def record_change(self, entity: str, entity_ids: Iterable[int], op: str = "update") -> None:
        record_changes(self.session, entity, entity_ids, op)


def record_changes(session: SASession, entity: str, entity_ids: Iterable[int], op: str = "update") -> None:
    """Change-log rows for writes that bypass the ORM (a lot's changed lots are announced too)."""
    _append_changes(session, [(entity, entity_id, op) for entity_id in entity_ids])


def _jsonable(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """Audit snapshots hold dates and money: keep them exact and readable as text."""
    if record is None:
        return None
    plain: dict[str, Any] = json.loads(json.dumps(record, default=_as_text))
    return plain


def _as_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)  # Decimal keeps every digit as text; enums are str already


def _append_changes(session: SASession, changes: list[tuple[str, int, str]]) -> None:
    if not changes:
        return
    touch_lots(session, [entity_id for entity, entity_id, _ in changes if entity == "lots"])  # boards push
    txid = _transaction_id(session)
    now = utcnow()
    rows = [{"entity": e, "entity_id": i, "op": op, "txid": txid, "at": now} for e, i, op in changes]
    session.connection().execute(insert(ChangeLog), rows)


def _transaction_id(session: SASession) -> int | None:
    """PostgreSQL's transaction id, which lets the change-log reader wait for late commits."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    if "txid" not in session.info:
        query = text("SELECT pg_current_xact_id()::text::bigint")
        session.info["txid"] = session.connection().execute(query).scalar_one()
    return int(session.info["txid"])


def _tracked(obj: Any) -> str | None:
    table = getattr(obj, "__tablename__", None)
    return table if table in TRACKED_TABLES else None


@event.listens_for(SASession, "after_begin")
def _forget_txid(session: SASession, _transaction: Any, _connection: Any) -> None:
    session.info.pop("txid", None)


@event.listens_for(SASession, "after_flush")
def _log_flushed_changes(session: SASession, _context: Any) -> None:
    changes: list[tuple[str, int, str]] = []
    for objects, op in ((session.new, "insert"), (session.dirty, "update"), (session.deleted, "delete")):
        for obj in objects:
            table = _tracked(obj)
            if table and (op != "update" or session.is_modified(obj)):
                changes.append((table, obj.id, op))
    _append_changes(session, changes)
