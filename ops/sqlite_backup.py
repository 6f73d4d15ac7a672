"""Online snapshots of the embedded store while the app runs, checked, kept, restored in one command.

A snapshot is the sqlite3 backup API in one step: a read transaction, so in WAL mode bidders keep
writing while pages are copied, and the copy is the store as of that transaction's start. The copy is
published at once (a sidecar JSON says when it was taken, and "pending"), then `PRAGMA integrity_check`
runs on it and marks it "ok" (or "corrupt": never restored). Checking a large store takes longer than
copying it, so the schedule checks in the background and the recovery point stays the copy interval;
a restore re-checks a copy that was not checked yet.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from data.backup_config import BackupConfig

STAMP = "%Y%m%dT%H%M%S.%fZ"


class SnapshotCorrupt(RuntimeError):
    pass


@dataclass(frozen=True)
class Snapshot:
    path: Path
    started_at: datetime  # the copy holds every transaction committed before this moment
    finished_at: datetime  # and was complete on the backup disk from this one
    size: int
    checked: bool = False

    @property
    def name(self) -> str:
        return self.path.name


def snapshot_take(database: Path, config: BackupConfig) -> Snapshot:
    """Copy the live store into the backup folder, check it, then keep the newest N snapshots."""
    snapshot = snapshot_check(snapshot_copy(database, config))
    snapshots_expire(config)
    return snapshot


def snapshot_copy(database: Path, config: BackupConfig) -> Snapshot:
    """Copy the live store into the backup folder and publish it, not yet checked."""
    config.sqlite_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    final = config.sqlite_dir / f"{started:{STAMP}}.db"
    temp = final.with_suffix(".partial")
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(temp)) as copy:
        source.backup(copy)  # one step: a consistent snapshot even while others write
    temp.rename(final)
    snapshot = Snapshot(final, started, datetime.now(UTC), final.stat().st_size)
    _sidecar(snapshot, "pending")
    return snapshot


def snapshot_check(snapshot: Snapshot) -> Snapshot:
    """`PRAGMA integrity_check` on the copy; a corrupt one is marked so and never restored."""
    try:
        integrity_check(snapshot.path)
    except (SnapshotCorrupt, sqlite3.DatabaseError):
        _sidecar(snapshot, "corrupt")
        raise
    _sidecar(snapshot, "ok")
    return replace(snapshot, checked=True)


def _sidecar(snapshot: Snapshot, integrity: str) -> None:
    temp = snapshot.path.with_suffix(".json.tmp")
    temp.write_text(json.dumps({"started_at": snapshot.started_at.isoformat(),
                                "finished_at": snapshot.finished_at.isoformat(), "size": snapshot.size,
                                "integrity": integrity}))
    temp.replace(snapshot.path.with_suffix(".json"))


def integrity_check(path: Path, pragma: str = "integrity_check") -> None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        problems = [row[0] for row in conn.execute(f"PRAGMA {pragma}")]
    if problems != ["ok"]:
        raise SnapshotCorrupt(f"{path} fails PRAGMA {pragma}: {'; '.join(problems[:5])}")


def snapshots_list(config: BackupConfig) -> list[Snapshot]:
    """Every published snapshot not found corrupt, oldest first."""
    found = []
    for sidecar in sorted(config.sqlite_dir.glob("*.json")) if config.sqlite_dir.is_dir() else []:
        meta = json.loads(sidecar.read_text())
        if meta["integrity"] != "corrupt":
            found.append(Snapshot(sidecar.with_suffix(".db"), datetime.fromisoformat(meta["started_at"]),
                                  datetime.fromisoformat(meta["finished_at"]), int(meta["size"]),
                                  checked=meta["integrity"] == "ok"))
    return found


def snapshot_for(config: BackupConfig, to_time: datetime | None) -> Snapshot:
    """The newest snapshot that holds nothing after `to_time` (the newest of all when None)."""
    eligible = [s for s in snapshots_list(config) if to_time is None or s.started_at <= to_time]
    if not eligible:
        when = "" if to_time is None else f" taken before {to_time.isoformat()}"
        raise FileNotFoundError(f"no SQLite snapshot{when} in {config.sqlite_dir}")
    return eligible[-1]


def snapshot_restore(snapshot: Snapshot, database: Path) -> None:
    """Copy the snapshot to `database` (a new folder: an existing store is never overwritten). A checked
    snapshot's copy gets the quick check (is the copy whole?); an unchecked one the full check."""
    if database.exists():
        raise FileExistsError(f"{database} exists: restore into a new folder, then point DATA_DIR at it")
    database.parent.mkdir(parents=True, exist_ok=True)
    temp = database.with_suffix(".restoring")
    shutil.copyfile(snapshot.path, temp)
    integrity_check(temp, "quick_check" if snapshot.checked else "integrity_check")
    temp.rename(database)


def snapshots_expire(config: BackupConfig) -> None:
    for old in snapshots_list(config)[:-config.backup_keep_sqlite]:
        old.path.unlink(missing_ok=True)
        old.path.with_suffix(".json").unlink(missing_ok=True)
