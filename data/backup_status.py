"""How safe the store is right now, for the admin's platform page and for Prometheus.

    autogavel_backup_age_seconds       since the last backup that passed its check (alert past the
                                       schedule's interval with a margin: see `age_limit_s`)
    autogavel_wal_archive_lag_seconds  committed work not yet in the archive, in seconds (alert past 900)

The recovery point is the archive's lag (on SQLite, the newest snapshot's age): past 15 minutes,
committed bids are at risk, so that alerts. A base backup only bounds how long a restore replays WAL,
so its age alerts only once a scheduled one is clearly missed (hourly incrementals: past 90 minutes).

Every successful, verified backup writes `last-good.json` in the backup folder; the WAL lag is read from
PostgreSQL's own `pg_stat_archiver`. The embedded store has no WAL archive: all that is safe is its
newest snapshot, so its lag is that snapshot's age (or Litestream's, if run; docs/OPERATIONS.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, text

from data.backup_config import BackupConfig

ALERT_AFTER_S = 15 * 60
BACKUP_AGE = "autogavel_backup_age_seconds"
ARCHIVE_LAG = "autogavel_wal_archive_lag_seconds"

# Seconds since the last WAL file reached the archive, or 0 when nothing has been written since: the
# segment that holds the newest written byte is already archived (an idle server switches no files).
_ARCHIVE_LAG_SQL = text("""
    SELECT CASE
        WHEN a.last_archived_wal IS NOT NULL
             AND pg_walfile_name(pg_current_wal_lsn() - 1) <= a.last_archived_wal THEN 0
        ELSE extract(epoch FROM now() - coalesce(a.last_archived_time, a.stats_reset))
    END
    FROM pg_stat_archiver a""")


@dataclass(frozen=True)
class BackupHealth:
    last_good_at: datetime | None
    backup_age_s: float | None  # None: no backup has ever succeeded
    archive_lag_s: float | None
    age_limit_s: float = ALERT_AFTER_S

    @property
    def alerting(self) -> bool:
        return (self.backup_age_s is None or self.backup_age_s > self.age_limit_s
                or self.archive_lag_s is None or self.archive_lag_s > ALERT_AFTER_S)


def age_limit_s(config: BackupConfig, *, sqlite: bool) -> float:
    """How old the last good backup may be before a scheduled one was clearly missed."""
    interval = config.backup_sqlite_every_s if sqlite else config.backup_incr_every_h * 3600
    return max(float(ALERT_AFTER_S), 1.5 * interval)


def record_good(config: BackupConfig, *, store: str, label: str) -> None:
    """Called after a backup passed its check: the age the alert watches starts again from zero."""
    config.backup_dir.mkdir(parents=True, exist_ok=True)
    status = {"store": store, "label": label, "at": datetime.now(UTC).isoformat()}
    temp = config.status_file.with_suffix(".tmp")
    temp.write_text(json.dumps(status))
    temp.replace(config.status_file)


def last_good_at(config: BackupConfig) -> datetime | None:
    if not config.status_file.is_file():
        return None
    return datetime.fromisoformat(json.loads(config.status_file.read_text())["at"])


def backup_health(engine: Engine, config: BackupConfig | None = None) -> BackupHealth:
    config = config or BackupConfig()
    last = last_good_at(config)
    age = None if last is None else (datetime.now(UTC) - last).total_seconds()
    sqlite = engine.dialect.name == "sqlite"
    lag = age if sqlite else wal_archive_lag_seconds(engine)
    return BackupHealth(last, age, lag, age_limit_s(config, sqlite=sqlite))


def wal_archive_lag_seconds(engine: Engine) -> float | None:
    """None when archiving is off: nothing reaches the archive, which must alert too."""
    with engine.connect() as conn:
        if conn.execute(text("SHOW archive_mode")).scalar_one() == "off":
            return None
        value = conn.execute(_ARCHIVE_LAG_SQL).scalar_one()
    return None if value is None else float(value)


def backup_metrics(engine: Engine, config: BackupConfig | None = None) -> dict[str, float]:
    """The two gauges by name; a missing value is reported as +inf so an alert `> 900` fires."""
    health = backup_health(engine, config)
    return {BACKUP_AGE: _or_inf(health.backup_age_s), ARCHIVE_LAG: _or_inf(health.archive_lag_s)}


def _or_inf(value: float | None) -> float:
    return float("inf") if value is None else value
