"""Processes starting at once on a fresh embedded store (a Streamlit server and its worker, two app
servers on one data folder) each bring the schema to the newest migration at start. SQLite lets one of
them write at a time: the others must wait their turn and then find the schema done, never fail with
"database is locked" because another process committed between their read and their write."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from sqlalchemy import inspect

from data.db import make_engine
from data.migrate import upgrade_to_head
from tests.support.children import forkserver, start_all

STARTING = 3
WAIT_S = 120


def migrate_at_start(url: str, out: Any) -> None:
    try:
        engine = make_engine(url)
        upgrade_to_head(engine)
        engine.dispose()
        out.put("ok")
    except BaseException:  # reported to the test, which would otherwise only see a missing answer
        out.put(traceback.format_exc())


def test_processes_starting_together_on_a_fresh_store_all_migrate_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'auction.db'}"
    context = forkserver()
    out = context.Queue()
    starting = [context.Process(target=migrate_at_start, args=(url, out)) for _ in range(STARTING)]
    start_all(starting)
    answers = [out.get(timeout=WAIT_S) for _ in starting]
    for process in starting:
        process.join(WAIT_S)
    assert answers == ["ok"] * STARTING, "\n".join(a for a in answers if a != "ok")
    engine = make_engine(url)
    try:
        assert {"lots", "bids", "alembic_version"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
