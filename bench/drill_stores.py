"""The two stores the restore drill breaks and restores: a PostgreSQL cluster of its own archiving to
pgBackRest, or an embedded SQLite store snapshotted on a schedule (bench/restore_drill.py)."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import psycopg

from data.backup_config import BackupConfig
from data.backup_status import record_good
from data.db import make_engine, reset_engine
from data.migrate import upgrade_to_head
from ops import pgbackrest, sqlite_backup
from ops.cluster import Cluster, cluster_create, cluster_drop, cluster_start, cluster_stop
from ops.media_backup import media_copy_new
from ops.restore import restore_postgres, restore_sqlite
from ops.sqlite_schedule import SnapshotSchedule

DATABASE = "autogavel"


class DrillStore(Protocol):
    url: str
    folder: Path
    media_dir: Path
    config: BackupConfig

    def base_backup(self) -> None: ...

    def crash(self) -> None: ...

    def restore(self, name: str, to_time: datetime | None) -> tuple[str, Path]: ...

    def clock(self) -> datetime: ...

    def close(self) -> None: ...


def migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()


class PostgresDrill:
    """A cluster made for the drill on a free port, WAL archived by pgBackRest; restores make more."""

    def __init__(self, archive_timeout_s: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="autogavel-drill-"))
        self.folder.chmod(0o755)  # the repository inside is the postgres user's
        self.media_dir = self.folder / "data" / "media"
        self.config = BackupConfig(backup_dir=self.folder / "backups", pgbackrest_stanza="drill",
                                   wal_archive_timeout_s=archive_timeout_s)
        self.clusters: list[Cluster] = []
        self.source = self._cluster("drill_source")
        pgbackrest.repo_configure(self.config, self.source)
        cluster_start(self.source)
        with psycopg.connect(self.source.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        self.url = self.source.url(DATABASE).replace("postgresql://", "postgresql+psycopg://")
        migrated(self.url)

    def _cluster(self, name: str) -> Cluster:
        cluster = cluster_create(f"{name}_{int(time.time()) % 100000}", local_trust=True)
        self.clusters.append(cluster)
        return cluster

    def base_backup(self) -> None:
        """Archiving starts after the bulk load (its WAL would only be expired), then a full backup."""
        pgbackrest.archiving_enable(self.config, self.source)
        label = pgbackrest.backup_run(self.config, "full")["label"]
        pgbackrest.verify(self.config)
        media_copy_new(self.media_dir, self.config.media_dir)
        record_good(self.config, store="postgresql", label=str(label))

    def clock(self) -> datetime:
        """The server's clock: recovery targets are compared with commit times it wrote."""
        with psycopg.connect(self.source.url()) as conn:
            row = conn.execute("SELECT clock_timestamp()").fetchone()
        assert row is not None
        return row[0].astimezone(UTC)  # type: ignore[no-any-return]

    def crash(self) -> None:
        """An immediate stop (no checkpoint, no last archive), then the data disk is gone."""
        cluster_stop(self.source, mode="immediate")
        reset_engine()
        shutil.rmtree(self.source.data_dir)
        shutil.rmtree(self.media_dir)

    def restore(self, name: str, to_time: datetime | None) -> tuple[str, Path]:
        suffix = f"{int(time.time() * 1000) % 10**7}"
        url = restore_postgres(self.config, f"{name}_{suffix}", to_time=to_time, app_url=self.url,
                               like=self.source)
        self.clusters.append(Cluster("15", f"{name}_{suffix}", int(url.split(":")[-1].split("/")[0])))
        media = self.folder / f"{name}_media"
        media_copy_new(self.config.media_dir, media)
        return url, media

    def close(self) -> None:
        reset_engine()
        for cluster in self.clusters:
            if cluster.conf_dir.exists():
                cluster_drop(cluster)
        shutil.rmtree(self.folder, ignore_errors=True)


class SqliteDrill:
    """An embedded store in a folder, snapshotted every `every_s` seconds while the bidders run."""

    def __init__(self, every_s: float) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="autogavel-drill-"))
        self.data_dir = self.folder / "data"
        self.media_dir = self.data_dir / "media"
        self.config = BackupConfig(backup_dir=self.folder / "backups", backup_keep_sqlite=1000,
                                   backup_sqlite_every_s=every_s)
        self.url = f"sqlite:///{self.data_dir / 'auction.db'}"
        self.data_dir.mkdir(parents=True)
        migrated(self.url)
        self.every_s = every_s
        self.stop = threading.Event()
        self.scheduler: threading.Thread | None = None

    def base_backup(self) -> None:
        """A checked snapshot, then the production schedule (ops/sqlite_schedule.py) in a thread."""
        snap = sqlite_backup.snapshot_take(self.data_dir / "auction.db", self.config)
        media_copy_new(self.media_dir, self.config.media_dir)
        record_good(self.config, store="sqlite", label=snap.name)
        schedule = SnapshotSchedule(self.data_dir / "auction.db", self.media_dir, self.config)
        self.scheduler = threading.Thread(target=schedule.run, args=(self.stop,), daemon=True)
        self.scheduler.start()

    def clock(self) -> datetime:
        return datetime.now(UTC)  # SQLite's commit times are the app's clock

    def crash(self) -> None:
        """The data folder is deleted (a lost disk): all that is left is in the backup folder. A copy
        still running at that moment would have been lost with the disk: it is deleted too."""
        crashed_at = datetime.now(UTC)
        self.stop.set()
        reset_engine()
        shutil.rmtree(self.data_dir)
        if self.scheduler is not None:
            self.scheduler.join()
        for late in [s for s in sqlite_backup.snapshots_list(self.config) if s.finished_at > crashed_at]:
            print(f"snapshot {late.name} was still copying at the crash: not counted", flush=True)
            late.path.unlink()
            late.path.with_suffix(".json").unlink()

    def restore(self, name: str, to_time: datetime | None) -> tuple[str, Path]:
        target = self.folder / name
        database = restore_sqlite(self.config, target, to_time=to_time)
        media_copy_new(self.config.media_dir, target / "media")
        return f"sqlite:///{database}", target / "media"

    def close(self) -> None:
        self.stop.set()
        reset_engine()
        shutil.rmtree(self.folder, ignore_errors=True)
