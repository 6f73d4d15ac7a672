"""The embedded store: online snapshots while bidders write, checked, and one-command restores."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from data.backup_config import BackupConfig
from data.db import make_engine
from data.media import LocalMediaStore
from ops.sqlite_backup import (
    SnapshotCorrupt,
    integrity_check,
    snapshot_for,
    snapshot_restore,
    snapshot_take,
    snapshots_list,
)
from tests.support import stores
from tests.support.factories import make_car, make_dealer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def embedded(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    stores.migrate(f"sqlite:///{data / 'auction.db'}")
    return data


def _writer(database: Path, stop: threading.Event, written: list[int]) -> None:
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS pings (n INTEGER PRIMARY KEY)"))
    while not stop.is_set():
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO pings (n) VALUES (:n)"), {"n": len(written) + 1})
        written.append(len(written) + 1)
    engine.dispose()


def test_a_snapshot_taken_while_writers_commit_is_whole_and_restores(embedded: Path, tmp_path: Path) -> None:
    config, stop, written = BackupConfig(backup_dir=tmp_path / "backups"), threading.Event(), []
    writer = threading.Thread(target=_writer, args=(embedded / "auction.db", stop, written))
    writer.start()
    while len(written) < 50:
        pass
    before = len(written)
    snap = snapshot_take(embedded / "auction.db", config)
    after = len(written)
    stop.set()
    writer.join()
    assert after > before  # the writer was never blocked by the copy
    snapshot_restore(snap, tmp_path / "restored" / "auction.db")
    with sqlite3.connect(tmp_path / "restored" / "auction.db") as conn:
        rows = [n for (n,) in conn.execute("SELECT n FROM pings ORDER BY n")]
    assert rows == list(range(1, len(rows) + 1)) and before <= len(rows) <= after  # a consistent prefix
    with pytest.raises(FileExistsError):
        snapshot_restore(snap, tmp_path / "restored" / "auction.db")  # never over an existing store


def test_restore_to_a_time_picks_the_newest_snapshot_before_it_and_old_ones_expire(embedded: Path,
                                                                                  tmp_path: Path) -> None:
    config = BackupConfig(backup_dir=tmp_path / "backups", backup_keep_sqlite=2)
    first = snapshot_take(embedded / "auction.db", config)
    between = datetime.now(UTC)
    second = snapshot_take(embedded / "auction.db", config)
    assert snapshot_for(config, between).name == first.name
    assert snapshot_for(config, None).name == second.name
    with pytest.raises(FileNotFoundError, match="before"):
        snapshot_for(config, datetime(2000, 1, 1, tzinfo=UTC))
    snapshot_take(embedded / "auction.db", config)
    assert snapshots_list(config)[0].name == second.name  # the oldest went


def test_a_damaged_copy_fails_its_integrity_check(embedded: Path, tmp_path: Path) -> None:
    snap = snapshot_take(embedded / "auction.db", BackupConfig(backup_dir=tmp_path / "backups"))
    with snap.path.open("r+b") as handle:  # scribble over the middle of the file's b-tree pages
        handle.seek(snap.size // 2)
        handle.write(b"\xff" * 4096)
    with pytest.raises((SnapshotCorrupt, sqlite3.DatabaseError)):
        integrity_check(snap.path)


def _cli(module: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_backup_list_verify_and_restore_from_the_command_line(embedded: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{embedded / 'auction.db'}"
    engine = stores.use_store(url)
    try:
        car = make_car(make_dealer())
        key = LocalMediaStore(embedded / "media").put(b"p", suffix=".webp")
        with engine.begin() as conn:
            conn.execute(text("UPDATE cars SET photos = :p WHERE id = :id"),
                         {"p": f'["{key}"]', "id": car.id})
    finally:
        stores.reset_caches()
    env = {**os.environ, "DATA_DIR": str(embedded), "BACKUP_DIR": str(tmp_path / "backups")}
    env.pop("DATABASE_URL", None)
    ran = _cli("ops.backup", "run", env=env)
    assert ran.returncode == 0, ran.stderr
    assert "integrity ok" in ran.stdout and "1 new copied" in ran.stdout
    assert "ALERT" not in _cli("ops.backup", "list", env=env).stdout
    assert "0 photos referenced by cars are missing" in _cli("ops.backup", "verify", env=env).stdout
    restored = _cli("ops.restore", "--data-dir", str(tmp_path / "restored"), env=env)
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert "schema matches" in restored.stdout and f"DATA_DIR={tmp_path / 'restored'}" in restored.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'restored' / 'auction.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT photos FROM cars WHERE id = :id"), {"id": car.id}).scalar_one()
    engine.dispose()
    assert len(list((tmp_path / "restored" / "media").rglob("*.webp"))) == 1


def test_the_schedule_publishes_copies_at_once_and_records_them_good_after_the_check(
        embedded: Path, tmp_path: Path) -> None:
    from data.backup_status import last_good_at
    from ops.sqlite_backup import snapshot_check
    from ops.sqlite_schedule import SnapshotSchedule

    config = BackupConfig(backup_dir=tmp_path / "backups")
    schedule = SnapshotSchedule(embedded / "auction.db", embedded / "media", config)
    first = schedule.once()
    schedule.join()
    assert snapshots_list(config)[0].checked and last_good_at(config) is not None
    with first.path.open("r+b") as handle:  # the copy rots on the backup disk
        handle.seek(first.size // 2)
        handle.write(b"\xff" * 4096)
    with pytest.raises((SnapshotCorrupt, sqlite3.DatabaseError)):
        snapshot_check(first)
    assert snapshots_list(config) == []  # a corrupt copy is never offered to a restore
