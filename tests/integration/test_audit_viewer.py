"""The audit log selector: filters by actor, entity, action and time; pages are bounded; admins only;
the CSV export is neutralised (on both stores)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from data.types import utcnow
from data.uow import UnitOfWork
from domain.errors import Forbidden, ValidationFailed
from domain.oversight.admin import user_set_status
from domain.oversight.audit import PAGE_LIMIT, AuditFilters, audit_csv, audit_list
from domain.types import UserStatus
from tests.support.factories import make_admin, make_user


def test_filters_by_actor_entity_action_and_time(store: str) -> None:
    admin, target = make_admin(), make_user(email="target@example.com")
    user_set_status(admin, target.id, status=UserStatus.SUSPENDED, reason="=HYPERLINK(\"x\")")
    by_admin = audit_list(admin, AuditFilters(actor=admin.email.upper(), action="user_suspended")).entries
    assert [(e.actor_id, e.entity, e.entity_id) for e in by_admin] == [(admin.id, "users", target.id)]
    assert by_admin[0].before is not None and by_admin[0].after is not None
    assert by_admin[0].before["status"] == "active" and by_admin[0].after["status"] == "suspended"
    assert audit_list(admin, AuditFilters(actor=str(admin.id), entity="users",
                                         entity_id=target.id)).entries == by_admin
    assert audit_list(admin, AuditFilters(actor="nobody@example.com")).entries == []
    now = utcnow()
    assert audit_list(admin, AuditFilters(until=now - timedelta(minutes=5))).entries == []
    assert len(audit_list(admin, AuditFilters(since=now - timedelta(minutes=5))).entries) >= 3
    with pytest.raises(ValidationFailed):
        audit_list(admin, AuditFilters(since=now, until=now - timedelta(days=1)))


def test_pages_are_bounded_and_newest_first(store: str) -> None:
    admin = make_admin()
    with UnitOfWork() as uow:
        for n in range(7):
            uow.audit(actor_id=admin.id, action="probe", entity="system", entity_id=n)
        uow.commit()
    first = audit_list(admin, AuditFilters(action="probe"), limit=3)
    last = audit_list(admin, AuditFilters(action="probe"), limit=3, offset=6)
    assert [e.entity_id for e in first.entries] == [6, 5, 4] and first.has_more
    assert [e.entity_id for e in last.entries] == [0] and not last.has_more
    assert len(audit_list(admin, AuditFilters(), limit=10**9).entries) <= PAGE_LIMIT


def test_only_admins_read_the_log_and_the_export_is_neutralised(store: str) -> None:
    admin, target = make_admin(), make_user()
    with pytest.raises(Forbidden):
        audit_list(target, AuditFilters())
    with pytest.raises(Forbidden):
        audit_csv(target, AuditFilters())
    with UnitOfWork() as uow:
        uow.audit(actor_id=admin.id, action="=cmd|' /C calc'!A0", entity="system", entity_id=None,
                  after={"note": "=1+1"})
        uow.commit()
    rows = list(csv.DictReader(io.StringIO(audit_csv(admin, AuditFilters(entity="system")).decode())))
    assert rows[0]["action"] == "'=cmd|' /C calc'!A0" and json.loads(rows[0]["after"]) == {"note": "=1+1"}
    assert rows[0]["actor_email"] == admin.email
