"""Bring the store up at app start: migrate the embedded store, seed the demo in demo mode (with the
seeding the caller passes: the store knows no demo), and compile the bid path's statements so the first
bidder does not wait for it."""

from __future__ import annotations

from collections.abc import Callable

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from data.bid_store import bid_statements_warm
from data.db import get_engine
from data.migrate import alembic_config, upgrade_to_head
from data.settings import get_settings


class StoreNotMigrated(RuntimeError):
    pass


def prepare_store(seed_demo: Callable[[], None] | None = None) -> None:
    """`seed_demo` is the app's start-up's to give (`demo.seed`); it runs in demo mode only."""
    settings = get_settings()
    if settings.is_sqlite:
        upgrade_to_head()
    else:
        require_head(get_engine())
    if settings.demo_mode and seed_demo is not None:
        seed_demo()
    bid_statements_warm(get_engine())


def require_head(engine: Engine) -> None:
    """PostgreSQL is migrated by the operator (`python -m data.migrate`), never behind their back; a
    schema this app does not know (restored from a newer release) is refused as firmly as an old one."""
    scripts = ScriptDirectory.from_config(alembic_config())
    head = scripts.get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return
    if current is not None and current not in {script.revision for script in scripts.walk_revisions()}:
        raise StoreNotMigrated(
            f"The database schema is at {current}, a migration this app does not know (the store is newer "
            f"than the app, which needs {head}). Run the release that wrote it, or restore a matching store.")
    raise StoreNotMigrated(
        f"The database schema is at {current or 'nothing'}, the app needs {head}. "
        "Run `python -m data.migrate` with the same DATABASE_URL, then start the app again."
    )
