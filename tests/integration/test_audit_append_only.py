"""The audit log is append-only in the store itself: an UPDATE or a DELETE is refused by a trigger and
leaves the row as it was (on both stores), whoever sends it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from data.db import get_engine
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
