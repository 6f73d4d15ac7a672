"""The audit log is append-only in the store itself: an UPDATE or a DELETE is refused by a trigger and
leaves the row as it was (on both stores), whoever sends it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from data.app_role import drop_app_role, grant_app_role
from data.db import get_engine, make_engine
from domain.accounts import users as accounts
from tests.support.factories import PASSWORD, make_user

ROW = "SELECT action, entity, actor_id FROM audit_log WHERE id = :id"


def _one_entry() -> tuple[int, tuple[object, ...]]:
    make_user()
    with get_engine().connect() as conn:
        entry = conn.execute(text("SELECT id FROM audit_log")).scalar_one()
        return entry, tuple(conn.execute(text(ROW), {"id": entry}).one())


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET action = 'forged', actor_id = NULL WHERE id = :id",
    "DELETE FROM audit_log WHERE id = :id",
])
def test_the_store_refuses_to_change_or_delete_an_audit_row(store: str, statement: str) -> None:
    entry, before = _one_entry()
    with pytest.raises(DBAPIError, match="append-only"), get_engine().begin() as conn:
        conn.execute(text(statement), {"id": entry})
    with get_engine().connect() as conn:
        assert tuple(conn.execute(text(ROW), {"id": entry}).one()) == before


def test_postgres_refuses_truncate_too(store: str) -> None:
    if store != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    entry, before = _one_entry()
    with pytest.raises(DBAPIError, match="append-only"), get_engine().begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    with get_engine().connect() as conn:
        assert tuple(conn.execute(text(ROW), {"id": entry}).one()) == before


def test_deleting_an_account_keeps_its_audit_history(store: str) -> None:
    """Account deletion anonymises the user row; it writes one more audit entry and touches no other."""
    user = make_user()
    with get_engine().connect() as conn:
        history = conn.execute(text("SELECT id, action, actor_id FROM audit_log ORDER BY id")).all()
    accounts.account_delete(user, password=PASSWORD)
    with get_engine().connect() as conn:
        after = conn.execute(text("SELECT id, action, actor_id FROM audit_log ORDER BY id")).all()
    assert after[:len(history)] == history and [a.action for a in after[len(history):]] == ["delete_account"]


@pytest.fixture
def app_role(store: str) -> Iterator[Engine]:
    """The store as the production app sees it: connected as the role ops.up grants (data/app_role.py)."""
    if store != "postgresql":
        pytest.skip("roles and grants are PostgreSQL's")
    owner = get_engine()
    role, password = f"app_{uuid.uuid4().hex[:12]}", "s3cret'with\"quotes"
    grant_app_role(owner, role, password)
    grant_app_role(owner, role, password)  # idempotent: ops.up runs it at every start
    as_role = owner.url.set(username=role, password=password)
    engine = make_engine(as_role.render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        drop_app_role(owner, role)


def test_the_app_role_appends_to_the_audit_log_but_cannot_change_it(app_role: Engine) -> None:
    entry, before = _one_entry()
    with app_role.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (action, entity, at) VALUES ('probe', 'test', now())"))
        conn.execute(text("UPDATE users SET name = name"))  # the marketplace's own tables: read and write
    for statement in ("UPDATE audit_log SET action = 'forged' WHERE id = :id",
                      "DELETE FROM audit_log WHERE id = :id", "TRUNCATE audit_log",
                      "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
                      "DROP TRIGGER audit_log_no_change ON audit_log",
                      "UPDATE alembic_version SET version_num = 'forged'"):
        with pytest.raises(DBAPIError, match=r"permission denied|must be owner"), app_role.begin() as conn:
            conn.execute(text(statement), {"id": entry})
    with get_engine().connect() as conn:
        assert tuple(conn.execute(text(ROW), {"id": entry}).one()) == before


def test_an_app_role_name_that_is_not_a_plain_identifier_is_refused(store: str) -> None:
    if store != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    with pytest.raises(ValueError, match="app role"):
        grant_app_role(get_engine(), "app; DROP TABLE users", "x")
