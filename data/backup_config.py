"""Where backups go and how long they are kept, from the environment (all optional).

    BACKUP_DIR                 the backup repository; put it on another disk (default: ./backups)
    PGBACKREST_STANZA          pgBackRest's name for the store's cluster (default: autogavel)
    PG_CLUSTER                 the Debian cluster that holds the store, e.g. 15/main
    BACKUP_RETENTION_FULL      full PostgreSQL backups kept (default 2; older ones and their WAL expire)
    BACKUP_RETENTION_DIFF      differential backups kept (default 6)
    BACKUP_KEEP_SQLITE         SQLite snapshots kept (default 48)
    WAL_ARCHIVE_TIMEOUT_S      PostgreSQL switches WAL at least this often when busy (default 30, max 60)
    BACKUP_FULL_EVERY_H        the schedule: a full PostgreSQL backup this often (default 168, weekly),
    BACKUP_DIFF_EVERY_H        a differential this often (default 24), an incremental every
    BACKUP_INCR_EVERY_H        (default 1) hour; WAL in between is archived continuously
    BACKUP_SQLITE_EVERY_S      the schedule's SQLite snapshot interval (default 30)
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from data.settings import ROOT

MAX_ARCHIVE_TIMEOUT_S = 60  # the recovery point: at most a minute of committed bids at risk


class BackupConfig(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    backup_dir: Path = ROOT / "backups"
    pgbackrest_stanza: str = Field(default="autogavel", pattern=r"^[A-Za-z0-9_-]+$")
    pg_cluster: str | None = None
    backup_retention_full: int = Field(default=2, ge=1)
    backup_retention_diff: int = Field(default=6, ge=1)
    backup_keep_sqlite: int = Field(default=48, ge=1)
    wal_archive_timeout_s: int = Field(default=30, ge=1, le=MAX_ARCHIVE_TIMEOUT_S)
    backup_full_every_h: float = Field(default=168, gt=0)
    backup_diff_every_h: float = Field(default=24, gt=0)
    backup_incr_every_h: float = Field(default=1, gt=0)
    backup_sqlite_every_s: float = Field(default=30, gt=0)

    @property
    def pg_repo(self) -> Path:
        return self.backup_dir / "pgbackrest"

    @property
    def sqlite_dir(self) -> Path:
        return self.backup_dir / "sqlite"

    @property
    def media_dir(self) -> Path:
        return self.backup_dir / "media"

    @property
    def status_file(self) -> Path:
        return self.backup_dir / "last-good.json"
