"""The pieces of backup and restore that need no second PostgreSQL cluster: the schema check on both
stores, photos, the schedule, the health figures the alert reads."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from data.backup_config import BackupConfig
from data.backup_status import ARCHIVE_LAG, BACKUP_AGE, backup_health, backup_metrics, record_good
from data.bootstrap import StoreNotMigrated, require_head
from data.db import get_engine, writer
from data.media import LocalMediaStore
from ops.backup_schedule import next_pg_backup
from ops.media_backup import media_copy_new, photos_missing
from tests.support.factories import make_car, make_dealer


def _stamp(revision: str) -> str:
    with writer(get_engine()).begin() as conn:
        head = str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    return head


@pytest.mark.parametrize(("revision", "says"), [("feedfacecafe", "does not know"), ("0001", "data.migrate")])
def test_the_app_refuses_a_schema_ahead_of_it_or_behind_it(store: str, revision: str, says: str) -> None:
    head = _stamp(revision)
    try:
        with pytest.raises(StoreNotMigrated, match=says):
            require_head(get_engine())
    finally:
        _stamp(head)
    require_head(get_engine())  # and accepts its own head


def test_photos_are_copied_once_and_missing_ones_are_reported(store: str, tmp_path: Path) -> None:
    live, backup = LocalMediaStore(tmp_path / "live"), tmp_path / "backup"
    keys = [live.put(f"picture {n}".encode(), suffix=".webp") for n in range(3)]
    car = make_car(make_dealer())
    with get_engine().begin() as conn:  # as the car form stores them (keys, in order)
        conn.execute(text("UPDATE cars SET photos = :p WHERE id = :id"),
                     {"p": json.dumps(keys), "id": car.id})
    assert media_copy_new(live.root, backup) == (3, 0)
    assert media_copy_new(live.root, backup) == (0, 3)  # content-addressed: nothing to copy again
    assert photos_missing(get_engine(), backup) == []
    live.delete(keys[1])
    assert photos_missing(get_engine(), live.root) == [(car.id, keys[1])]


def test_the_schedule_takes_full_then_differential_then_incremental_backups() -> None:
    config, now, hour = BackupConfig(), 1_000_000_000.0, 3600.0

    def backup(kind: str, hours_ago: float) -> dict[str, object]:
        return {"type": kind, "timestamp": {"stop": now - hours_ago * hour}}

    assert next_pg_backup([], config, now) == "full"
    assert next_pg_backup([backup("full", 2)], config, now) == "incr"
    assert next_pg_backup([backup("full", 30)], config, now) == "diff"
    assert next_pg_backup([backup("full", 30), backup("diff", 3)], config, now) == "incr"
    assert next_pg_backup([backup("full", 200), backup("diff", 3)], config, now) == "full"


def test_backup_age_alerts_until_a_backup_succeeds(sqlite_store: str, tmp_path: Path) -> None:
    config = BackupConfig(backup_dir=tmp_path)
    assert backup_metrics(get_engine(), config) == {BACKUP_AGE: float("inf"), ARCHIVE_LAG: float("inf")}
    assert backup_health(get_engine(), config).alerting
    record_good(config, store="sqlite", label="x")
    time.sleep(0.01)
    health = backup_health(get_engine(), config)
    assert health.backup_age_s is not None and 0 < health.backup_age_s < 5
    assert health.archive_lag_s == health.backup_age_s  # SQLite: only the snapshot is safe
    assert not health.alerting


def test_the_platform_page_shows_backup_age_and_alerts_without_one(sqlite_store: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.app.conftest import page_as, texts
    from tests.support.factories import make_admin

    monkeypatch.setenv("BACKUP_DIR", str(tmp_path))
    admin = make_admin()
    at = page_as(admin, "pages/admin_metrics.py")
    assert not at.exception and "Backups are behind" in texts(at)
    assert {m.label: m.value for m in at.metric}["Last good backup"] == "never"
    record_good(BackupConfig(), store="sqlite", label="x")
    at = page_as(admin, "pages/admin_metrics.py")
    assert not at.exception and "Backups are behind" not in texts(at)
    assert {m.label: m.value for m in at.metric}["Last good backup"].endswith("s ago")
