"""Back up the store now, on a schedule, list backups, verify them (docs/OPERATIONS.md).

    python -m ops.backup setup --cluster 15/main   # PostgreSQL, once: repository + WAL archiving
    python -m ops.backup run [--type full|diff|incr]
    python -m ops.backup list
    python -m ops.backup verify
    python -m ops.backup schedule                  # forever: what the production stack runs
    python -m ops.backup photos-check              # photos rows name that the disk lacks

The store is the app's (DATABASE_URL, or the embedded SQLite store under DATA_DIR); where backups go
and how long they stay: data/backup_config.py. Photos are copied with every backup.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

from data.backup_config import BackupConfig
from data.backup_status import backup_health, record_good
from data.db import get_engine
from data.settings import get_settings
from ops import pgbackrest, sqlite_backup
from ops.backup_schedule import next_pg_backup
from ops.cluster import ClusterError, cluster_find
from ops.media_backup import media_copy_new, photos_missing
from ops.sqlite_schedule import SnapshotSchedule


def setup(config: BackupConfig, cluster_spec: str) -> None:
    cluster = cluster_find(cluster_spec)
    print(f"configuring pgBackRest for cluster {cluster.spec} into {config.pg_repo}", flush=True)
    pgbackrest.repo_configure(config, cluster)
    pgbackrest.archiving_enable(config, cluster)
    print(f"WAL archiving is on (archive_timeout {config.wal_archive_timeout_s} s); "
          "now take a full backup: python -m ops.backup run --type full")


def run_backup(config: BackupConfig, kind: str | None = None) -> str:
    """One backup of the store and the photos, checked, then recorded as the last good one."""
    settings = get_settings()
    if settings.is_sqlite:
        snapshot = sqlite_backup.snapshot_take(settings.data_dir / "auction.db", config)
        label = snapshot.name
        print(f"snapshot {label}: {snapshot.size / 1e6:.1f} MB, integrity ok", flush=True)
    else:
        kind = kind or next_pg_backup(pgbackrest.backups_list(config), config)
        print(f"pgBackRest {kind} backup ...", flush=True)
        label = str(pgbackrest.backup_run(config, kind)["label"])
        if kind == "full":  # re-read the whole repository weekly; every run proves WAL still arrives
            pgbackrest.verify(config)
        else:
            pgbackrest.pgbackrest(config, "check")
    copied, kept = media_copy_new(settings.media_dir, config.media_dir)
    print(f"photos: {copied} new copied, {kept} already backed up", flush=True)
    record_good(config, store="sqlite" if settings.is_sqlite else "postgresql", label=label)
    return label


def list_backups(config: BackupConfig) -> None:
    if get_settings().is_sqlite:
        for snap in sqlite_backup.snapshots_list(config):
            print(f"{snap.name}  taken {snap.started_at:%Y-%m-%d %H:%M:%S} UTC  {snap.size / 1e6:.1f} MB")
    else:
        pgbackrest.pgbackrest(config, "info")
    health = backup_health(get_engine(), config)
    print(f"last good backup: {health.last_good_at or 'never'}; age {health.backup_age_s} s; "
          f"archive lag {health.archive_lag_s} s{'  ALERT' if health.alerting else ''}")


def verify(config: BackupConfig) -> None:
    if get_settings().is_sqlite:
        for snap in sqlite_backup.snapshots_list(config):
            sqlite_backup.integrity_check(snap.path)
            print(f"{snap.name}: integrity ok", flush=True)
    else:
        pgbackrest.verify(config)
    photos_check(config)


def photos_check(config: BackupConfig) -> int:
    missing = photos_missing(get_engine(), get_settings().media_dir)
    for car_id, key in missing[:20]:
        print(f"car {car_id}: photo {key} is missing on disk")
    print(f"{len(missing)} photos referenced by cars are missing on disk")
    return len(missing)


def schedule(config: BackupConfig) -> None:
    """Back up forever: SQLite every BACKUP_SQLITE_EVERY_S; PostgreSQL each hour, full/diff/incr by age."""
    settings = get_settings()
    if settings.is_sqlite:
        SnapshotSchedule(settings.data_dir / "auction.db", settings.media_dir, config).run(threading.Event())
        return
    every = config.backup_incr_every_h * 3600
    while True:
        began = time.monotonic()
        try:
            run_backup(config)
        except Exception as error:  # a failed run must not end the schedule; the age alerts
            print(f"backup failed: {error}", file=sys.stderr, flush=True)
        time.sleep(max(0.0, every - (time.monotonic() - began)))


def main(argv: list[str] | None = None) -> int:
    try:
        return _command(argv)
    except (ClusterError, sqlite_backup.SnapshotCorrupt, FileNotFoundError) as error:
        print(f"backup failed: {error}", file=sys.stderr)
        return 1


def _command(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="run",
                        choices=["setup", "run", "list", "verify", "schedule", "photos-check"])
    parser.add_argument("--type", choices=pgbackrest.BACKUP_TYPES, help="PostgreSQL: default by schedule")
    parser.add_argument("--cluster", help="setup: the Debian cluster of the store, e.g. 15/main")
    args = parser.parse_args(argv)
    config = BackupConfig()
    if args.command == "setup":
        cluster = args.cluster or config.pg_cluster
        if not cluster:
            parser.error("setup needs --cluster VERSION/NAME (or PG_CLUSTER)")
        setup(config, cluster)
    elif args.command == "photos-check":
        return 1 if photos_check(config) else 0
    elif args.command == "run":
        run_backup(config, args.type)
    elif args.command == "list":
        list_backups(config)
    elif args.command == "verify":
        verify(config)
    else:
        schedule(config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
