"""Reading the audit log: one page of entries at a time, filtered by actor, entity, action and time.

The log can hold millions of rows: every read is bounded (a page, or an export capped at EXPORT_LIMIT),
newest first on the `at` index. Only admins read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy.sql import ColumnElement
from sqlmodel import col, select

from analytics.files import safe_csv
from data.models import AuditLog, User
from data.uow import UnitOfWork
from domain.errors import ValidationFailed
from domain.permissions import Action, Actor, require

PAGE_LIMIT = 200
EXPORT_LIMIT = 10_000
CSV_COLUMNS = ["id", "at (UTC)", "actor_id", "actor_email", "action", "entity", "entity_id",
               "before", "after"]
ENTITY_PAGES = {"lots": "pages/lot.py", "auctions": "pages/auction.py", "cars": "pages/car.py"}


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # an email or a user id; "" for anyone
    entity: str = ""
    entity_id: int | None = None
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_id: int | None
    actor_email: str | None
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None = field(default=None)
    after: dict[str, Any] | None = field(default=None)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    has_more: bool  # another page lies past this one


def audit_list(actor: Actor, filters: AuditFilters, *, limit: int = 50, offset: int = 0) -> AuditPage:
    """Newest first; `limit` is capped at PAGE_LIMIT so no request reads the whole log."""
    require(actor, Action.VIEW_AUDIT_LOG)
    limit = max(1, min(limit, PAGE_LIMIT))
    entries = _read(filters, limit=limit + 1, offset=max(0, offset))
    return AuditPage(entries[:limit], has_more=len(entries) > limit)


def audit_export(actor: Actor, filters: AuditFilters) -> list[AuditEntry]:
    """The filtered entries for a download, newest first, at most EXPORT_LIMIT of them."""
    require(actor, Action.VIEW_AUDIT_LOG)
    return _read(filters, limit=EXPORT_LIMIT, offset=0)


def entity_page(entity: str) -> str | None:
    """The page that shows a record of this entity (its id goes in `?id=`), if there is one."""
    return ENTITY_PAGES.get(entity)


def _read(filters: AuditFilters, *, limit: int, offset: int) -> list[AuditEntry]:
    with UnitOfWork(write=False) as uow:
        conditions = _conditions(uow, filters)
        if conditions is None:
            return []
        rows = uow.session.exec(
            select(AuditLog, User.email).outerjoin(User, col(User.id) == AuditLog.actor_id)
            .where(*conditions).order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
            .limit(limit).offset(offset)).all()
        return [AuditEntry(a.id or 0, a.at, a.actor_id, email, a.action, a.entity, a.entity_id,
                           a.before, a.after) for a, email in rows]


def _conditions(uow: UnitOfWork, f: AuditFilters) -> list[ColumnElement[bool]] | None:
    """The WHERE clauses; None when the named actor does not exist (nothing can match)."""
    if f.since and f.until and f.since >= f.until:
        raise ValidationFailed({"time": "The start of the time range must come before its end."})
    found: list[ColumnElement[bool]] = []
    if f.actor.strip():
        actor_id = _actor_id(uow, f.actor.strip())
        if actor_id is None:
            return None
        found.append(col(AuditLog.actor_id) == actor_id)
    for column, value in ((AuditLog.entity, f.entity.strip()), (AuditLog.action, f.action.strip())):
        if value:
            found.append(col(column) == value)
    if f.entity_id is not None:
        found.append(col(AuditLog.entity_id) == f.entity_id)
    if f.since is not None:
        found.append(col(AuditLog.at) >= f.since)
    if f.until is not None:
        found.append(col(AuditLog.at) < f.until)
    return found


def _actor_id(uow: UnitOfWork, who: str) -> int | None:
    if who.isdigit():
        return int(who)
    return uow.session.exec(select(User.id).where(col(User.email) == who.lower())).first()


def audit_csv(actor: Actor, filters: AuditFilters) -> bytes:
    """The filtered entries as CSV (before/after as JSON text), formula-like cells neutralised."""
    rows = [{"id": e.id, "at (UTC)": e.at.isoformat(), "actor_id": e.actor_id, "actor_email": e.actor_email,
             "action": e.action, "entity": e.entity, "entity_id": e.entity_id,
             "before": _json(e.before), "after": _json(e.after)} for e in audit_export(actor, filters)]
    return safe_csv(pd.DataFrame(rows, columns=CSV_COLUMNS))


def _json(record: dict[str, Any] | None) -> str:
    return "" if record is None else json.dumps(record, sort_keys=True, ensure_ascii=False)
