"""The schema is exactly what the migrations build, and the change log misses nothing."""

from __future__ import annotations

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel, select

from data.changelog import Change, changes_since
from data.db import get_engine
from data.migrate import include_object
from data.models import User
from data.uow import UnitOfWork
from domain.accounts import users as accounts
from tests.support.factories import PASSWORD


def test_migrations_match_the_models(store: str) -> None:
    with get_engine().connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def read_until(cursor: int, count: int, timeout: float = 20) -> tuple[list[Change], int]:
    """Read changes until `count` have arrived. On PostgreSQL a transaction whose database the reader
    cannot tell (one that just ended) may hold new rows back for a moment; never longer."""
    found: list[Change] = []
    deadline = time.monotonic() + timeout
    while len(found) < count and time.monotonic() < deadline:
        changes, cursor = changes_since(cursor)
        found += changes
        time.sleep(0 if changes else 0.05)
    return found, cursor


def test_every_change_is_logged_in_its_own_transaction(store: str) -> None:
    changes, cursor = changes_since(0)
    assert changes == []
    actor = accounts.user_register(email="log@example.com", name="Lara Log", password=PASSWORD)
    accounts.profile_update(actor, name="Lara Logger", phone=None, city=None, timezone="Asia/Kolkata")
    changes, cursor = read_until(cursor, 2)
    assert [(c.entity, c.entity_id, c.op) for c in changes] == [
        ("users", actor.id, "insert"), ("users", actor.id, "update")]
    assert read_until(cursor, 1, timeout=0.5)[0] == []


def test_rolled_back_work_leaves_no_change_rows(store: str) -> None:
    with UnitOfWork() as uow:
        uow.session.add(User(email="ghost@example.com", name="Ghost", password_hash="!"))
        uow.session.flush()  # the change row is written ... and rolled back with the user
    assert changes_since(0)[0] == []


def test_a_late_commit_is_not_skipped(store: str) -> None:
    """A transaction that got its ids first but commits last is still read, exactly once."""
    inside, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with UnitOfWork() as uow:
            uow.session.add(User(email="slow@example.com", name="Slow", password_hash="!"))
            uow.session.flush()
            inside.set()
            release.wait(10)
            uow.commit()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert inside.wait(10)
    seen: list[int] = []
    cursor = 0
    if get_engine().dialect.name == "postgresql":  # SQLite serialises writers: nothing can overtake
        accounts.user_register(email="fast@example.com", name="Fast Person", password=PASSWORD)
        changes, cursor = changes_since(cursor)
        seen += [c.entity_id for c in changes]
    release.set()
    writer.join()
    expected = 2 if get_engine().dialect.name == "postgresql" else 1
    changes, cursor = read_until(cursor, expected - len(seen))
    seen += [c.entity_id for c in changes]
    with UnitOfWork(write=False) as uow:
        all_ids = sorted(uow.session.exec(select(User.id)).all())
    assert sorted(seen) == all_ids


def test_a_transaction_in_another_database_does_not_hold_changes_back(store: str) -> None:
    """A long transaction elsewhere on the same server (another app, a bulk load) must not stall the
    analytics here: its id is running, but it cannot have written this database's change log."""
    if store != "postgresql":
        pytest.skip("one SQLite file is one database")
    elsewhere = create_engine(get_engine().url.set(database="postgres"))
    try:
        with elsewhere.connect() as other:
            other.execute(text("SELECT pg_current_xact_id()"))  # holds a transaction id, open
            actor = accounts.user_register(email="near@example.com", name="Nora Near", password=PASSWORD)
            changes, _ = changes_since(0)
            assert [(c.entity, c.entity_id) for c in changes] == [("users", actor.id)]
    finally:
        elsewhere.dispose()
