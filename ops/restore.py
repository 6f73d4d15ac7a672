"""Restore the store to the latest moment or a named time, into a NEW cluster or folder, with its photos.

    python -m ops.restore --cluster-name restored [--port 5433] [--to '2026-12-06 16:30:00+00']
    python -m ops.restore --data-dir /srv/autogavel-restored [--to latest]

PostgreSQL: a new Debian cluster is made, pgBackRest restores the newest backup before the time and
replays archived WAL up to it (or to the archive's end), then the server is promoted. SQLite: the
newest snapshot taken at or before the time is copied into the new folder. Either way the photos are
copied beside the store, the schema is checked against this app's migrations, and the command prints
what to point the app at. The failed store is never touched.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from data.backup_config import BackupConfig
from data.bootstrap import StoreNotMigrated, require_head
from data.db import make_engine
from data.settings import get_settings
from ops import pgbackrest, sqlite_backup
from ops.cluster import Cluster, ClusterError, cluster_create, cluster_find, cluster_start, cluster_stop, run
from ops.media_backup import media_copy_new, photos_missing
from ops.sqlite_backup import SnapshotCorrupt


def restore_postgres(config: BackupConfig, name: str, *, to_time: datetime | None, app_url: str,
                     like: Cluster | None = None, port: int | None = None) -> str:
    """Restore into a new cluster `name` (with the access rules of `like`, the failed cluster, if its
    configuration survives); returns the app's URL with the new cluster's port."""
    cluster = cluster_create(name, port=port)
    print(f"new cluster {cluster.spec} on port {cluster.port}; restoring ...", flush=True)
    if like is not None:
        _copy_access(like, cluster)
    _empty(cluster)
    pgbackrest.restore_into(config, cluster, to_time=to_time)
    print("replaying archived WAL, then promoting ...", flush=True)
    cluster_start(cluster)
    url = make_url(app_url).set(drivername="postgresql+psycopg", port=cluster.port).render_as_string(False)
    _check_schema(url)
    return url


def _copy_access(source: Cluster, target: Cluster) -> None:
    """Who may connect, and the tuning in conf.d, as on the failed cluster; not its archiving, which
    `ops.backup setup` turns on for the new cluster once it is trusted."""
    shutil.copyfile(source.conf_dir / "pg_hba.conf", target.conf_dir / "pg_hba.conf")
    (target.conf_dir / "conf.d").mkdir(exist_ok=True)
    for conf in sorted((source.conf_dir / "conf.d").glob("*.conf")):
        if conf.name != pgbackrest.ARCHIVE_CONF:
            shutil.copyfile(conf, target.conf_dir / "conf.d" / conf.name)
    run("chown", "-R", "postgres:postgres", str(target.conf_dir), quiet=True)


def _empty(cluster: Cluster) -> None:
    """pgBackRest restores into an empty data folder; the new cluster's own files go."""
    if _running(cluster):
        cluster_stop(cluster, mode="fast")
    shutil.rmtree(cluster.data_dir)
    cluster.data_dir.mkdir(mode=0o700)
    shutil.chown(cluster.data_dir, "postgres", "postgres")


def _running(cluster: Cluster) -> bool:
    return (cluster.data_dir / "postmaster.pid").exists()


def restore_sqlite(config: BackupConfig, data_dir: Path, *, to_time: datetime | None) -> Path:
    """Copy the right snapshot into `data_dir` (new); returns the store's path."""
    snapshot = sqlite_backup.snapshot_for(config, to_time)
    print(f"restoring snapshot {snapshot.name} (taken {snapshot.started_at:%Y-%m-%d %H:%M:%S.%f} UTC, "
          f"{snapshot.size / 1e6:.1f} MB) into {data_dir}", flush=True)
    database = data_dir / "auction.db"
    sqlite_backup.snapshot_restore(snapshot, database)
    _check_schema(f"sqlite:///{database}")
    return database


def _check_schema(url: str) -> None:
    engine = make_engine(url)
    try:
        require_head(engine)
    finally:
        engine.dispose()
    print("schema matches this app's migrations", flush=True)


def restore_photos(config: BackupConfig, url: str, media_dir: Path) -> int:
    """Copy the backed-up photos into `media_dir`; returns how many the restored rows still miss."""
    copied, kept = media_copy_new(config.media_dir, media_dir)
    print(f"photos: {copied} restored into {media_dir} ({kept} were there)", flush=True)
    engine = make_engine(url)
    try:
        missing = photos_missing(engine, media_dir)
    finally:
        engine.dispose()
    print(f"{len(missing)} photos referenced by cars are missing on disk", flush=True)
    return len(missing)


def parse_time(value: str) -> datetime | None:
    if value == "latest":
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give the time with its zone, e.g. '{value}+00:00'")
    return moment.astimezone(UTC)


def main(argv: list[str] | None = None) -> int:
    try:
        return _command(argv)
    except (ClusterError, StoreNotMigrated, SnapshotCorrupt, FileNotFoundError, FileExistsError) as error:
        print(f"restore failed: {error}", file=sys.stderr)
        return 1


def _command(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--to", type=parse_time, default=None, help="'latest' (default) or an ISO time")
    parser.add_argument("--cluster-name", help="PostgreSQL: the new cluster's name")
    parser.add_argument("--port", type=int, help="PostgreSQL: the new cluster's port (default: a free one)")
    parser.add_argument("--like", help="PostgreSQL: copy access rules from this cluster, e.g. 15/main "
                                       "(default: PG_CLUSTER, if set and still there)")
    parser.add_argument("--data-dir", type=Path, help="the new DATA_DIR: the SQLite store and/or the photos")
    args = parser.parse_args(argv)
    config, settings, began = BackupConfig(), get_settings(), time.monotonic()
    if settings.is_sqlite:
        if not args.data_dir:
            parser.error("the embedded store restores into a new folder: give --data-dir")
        url = f"sqlite:///{restore_sqlite(config, args.data_dir, to_time=args.to)}"
    else:
        if not args.cluster_name:
            parser.error("PostgreSQL restores into a new cluster: give --cluster-name")
        like = args.like or config.pg_cluster
        url = restore_postgres(config, args.cluster_name, to_time=args.to, app_url=settings.url,
                               like=cluster_find(like) if like else None, port=args.port)
    missing = restore_photos(config, url, (args.data_dir or settings.data_dir) / "media")
    where = f"DATA_DIR={args.data_dir}" if settings.is_sqlite else f"DATABASE_URL={url}"
    print(f"restored in {time.monotonic() - began:.1f} s. Start the app with {where}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
