"""pgBackRest for the PostgreSQL store: configure a repository, archive WAL, back up, verify, restore.

pgBackRest runs as the `postgres` user (the archive command does, and restored files must be theirs),
with one config file kept beside the repository. Object storage in production: set `repo1-type=s3`
and its bucket options in that file (docs/OPERATIONS.md).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from data.backup_config import BackupConfig
from ops.cluster import Cluster, cluster_restart, run

ARCHIVE_CONF = "90-autogavel-archive.conf"
BACKUP_TYPES = ("full", "diff", "incr")


def config_path(config: BackupConfig) -> Path:
    return config.pg_repo / "pgbackrest.conf"


def pgbackrest(config: BackupConfig, command: str, *options: str, quiet: bool = False,
               stream: bool = False) -> str:
    """One pgBackRest command on the store's stanza, as the postgres user."""
    argv = ["pgbackrest", f"--config={config_path(config)}", f"--stanza={config.pgbackrest_stanza}",
            *options, command]
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return run(*argv, quiet=quiet, stream=stream)


def repo_configure(config: BackupConfig, cluster: Cluster) -> Path:
    """Write the config file (repository, retention, the cluster) and hand the repository to postgres."""
    repo = config.pg_repo
    for folder in (repo, repo / "log", repo / "lock", repo / "spool"):
        folder.mkdir(parents=True, exist_ok=True)
    config_path(config).write_text(_config_text(config, cluster))
    if os.geteuid() == 0:
        shutil.chown(config.backup_dir, "postgres", "postgres")
        run("chown", "-R", "postgres:postgres", str(repo), quiet=True)
    return config_path(config)


def _config_text(config: BackupConfig, cluster: Cluster) -> str:
    repo = config.pg_repo
    return "\n".join([
        "[global]", f"repo1-path={repo}", f"repo1-retention-full={config.backup_retention_full}",
        f"repo1-retention-diff={config.backup_retention_diff}", "compress-type=zst", "start-fast=y",
        "process-max=2", f"log-path={repo / 'log'}", f"lock-path={repo / 'lock'}",
        f"spool-path={repo / 'spool'}", "log-level-console=info", "log-level-file=detail", "",
        f"[{config.pgbackrest_stanza}]", f"pg1-path={cluster.data_dir}", f"pg1-port={cluster.port}",
        "pg1-socket-path=/var/run/postgresql", ""])


def archiving_enable(config: BackupConfig, cluster: Cluster) -> None:
    """Turn on WAL archiving for `cluster` (restarts that cluster only) and create the stanza."""
    settings = {"wal_level": "replica", "archive_mode": "on",
                "archive_command": f"'pgbackrest --config={config_path(config)} "
                                   f"--stanza={config.pgbackrest_stanza} archive-push %p'",
                "archive_timeout": f"{config.wal_archive_timeout_s}s", "max_wal_senders": "3"}
    conf_d = cluster.conf_dir / "conf.d"
    conf_d.mkdir(exist_ok=True)
    (conf_d / ARCHIVE_CONF).write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
    cluster_restart(cluster)
    pgbackrest(config, "stanza-create")
    pgbackrest(config, "check")


def backup_run(config: BackupConfig, kind: str = "full") -> dict[str, Any]:
    """A backup of `kind` (full, diff or incr), then expire per retention; returns its info entry."""
    if kind not in BACKUP_TYPES:
        raise ValueError(f"backup type must be one of {', '.join(BACKUP_TYPES)}; got {kind!r}")
    pgbackrest(config, "backup", f"--type={kind}", stream=True)
    return backups_list(config)[-1]


def verify(config: BackupConfig) -> None:
    """`check` proves WAL reaches the repository now; `verify` re-reads every file's checksum."""
    pgbackrest(config, "check")
    pgbackrest(config, "verify", stream=True)


def info(config: BackupConfig) -> dict[str, Any]:
    found = json.loads(pgbackrest(config, "info", "--output=json", quiet=True))
    return dict(found[0]) if found else {}


def backups_list(config: BackupConfig) -> list[dict[str, Any]]:
    return list(info(config).get("backup", []))


def restore_into(config: BackupConfig, target: Cluster, *, to_time: datetime | None) -> None:
    """Restore the newest backup before `to_time` (or the latest) into the stopped, emptied `target`,
    replaying WAL up to that time (or to the end of the archive), then promote."""
    options = [f"--pg1-path={target.data_dir}"]
    if to_time is not None:
        moment = f"{to_time.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}+00"
        options += ["--type=time", f"--target={moment}", "--target-action=promote"]
    pgbackrest(config, "restore", *options, stream=True)
