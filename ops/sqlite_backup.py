"""Online snapshots of the embedded store while the app runs, checked, kept, restored in one command.

A snapshot is the sqlite3 backup API in one step: a read transaction, so in WAL mode bidders keep
writing while pages are copied, and the copy is the store as of that transaction's start. Each copy
passes `PRAGMA integrity_check` before it is given its final name; a sidecar JSON says when it was taken.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ops.backup_config import BackupConfig

STAMP = "%Y%m%dT%H%M%S.%fZ"


class SnapshotCorrupt(RuntimeError):
    pass


@dataclass(frozen=True)
class Snapshot:
    path: Path
    started_at: datetime  # the copy holds every transaction committed before this moment
    finished_at: datetime
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def snapshot_take(database: Path, config: BackupConfig) -> Snapshot:
    """Copy the live store into the backup folder, check it, then keep the newest N snapshots."""
    config.sqlite_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    final = config.sqlite_dir / f"{started:{STAMP}}.db"
    temp = final.with_suffix(".partial")
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(temp)) as copy:
        source.backup(copy)  # one step: a consistent snapshot even while others write
    integrity_check(temp)
    temp.rename(final)
    snapshot = Snapshot(final, started, datetime.now(UTC), final.stat().st_size)
    final.with_suffix(".json").write_text(json.dumps({
        "started_at": started.isoformat(), "finished_at": snapshot.finished_at.isoformat(),
        "size": snapshot.size, "integrity": "ok"}))
    _expire(config)
    return snapshot


def integrity_check(path: Path) -> None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise SnapshotCorrupt(f"{path} fails PRAGMA integrity_check: {'; '.join(problems[:5])}")


def snapshots_list(config: BackupConfig) -> list[Snapshot]:
    """Every finished snapshot, oldest first."""
    found = []
    for sidecar in sorted(config.sqlite_dir.glob("*.json")) if config.sqlite_dir.is_dir() else []:
        meta = json.loads(sidecar.read_text())
        found.append(Snapshot(sidecar.with_suffix(".db"), datetime.fromisoformat(meta["started_at"]),
                              datetime.fromisoformat(meta["finished_at"]), int(meta["size"])))
    return found


def snapshot_for(config: BackupConfig, to_time: datetime | None) -> Snapshot:
    """The newest snapshot that holds nothing after `to_time` (the newest of all when None)."""
    eligible = [s for s in snapshots_list(config) if to_time is None or s.started_at <= to_time]
    if not eligible:
        when = "" if to_time is None else f" taken before {to_time.isoformat()}"
        raise FileNotFoundError(f"no SQLite snapshot{when} in {config.sqlite_dir}")
    return eligible[-1]


def snapshot_restore(snapshot: Snapshot, database: Path) -> None:
    """Copy the snapshot to `database` (a new folder: an existing store is never overwritten)."""
    if database.exists():
        raise FileExistsError(f"{database} exists: restore into a new folder, then point DATA_DIR at it")
    database.parent.mkdir(parents=True, exist_ok=True)
    temp = database.with_suffix(".restoring")
    shutil.copyfile(snapshot.path, temp)
    integrity_check(temp)
    temp.rename(database)


def _expire(config: BackupConfig) -> None:
    for old in snapshots_list(config)[:-config.backup_keep_sqlite]:
        old.path.unlink(missing_ok=True)
        old.path.with_suffix(".json").unlink(missing_ok=True)
