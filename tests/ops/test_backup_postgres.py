"""PostgreSQL: WAL archived by pgBackRest from a cluster of the test's own, restored to a time and to the
latest point into new clusters by the documented commands. The shared server is never touched: this
needs root (pg_createcluster) and pgbackrest, as CI has (scripts/test.sh installs pgbackrest)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from pydantic import ValidationError

from data.backup_config import BackupConfig
from data.backup_status import wal_archive_lag_seconds
from ops.cluster import Cluster, cluster_create, cluster_drop, cluster_find, cluster_start, tools_ready
from tests.support import stores

ROOT = Path(__file__).resolve().parents[2]
WHY_NOT = tools_ready() or (None if shutil.which("pgbackrest") else "pgbackrest is not installed")
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=f"needs a cluster of its own: {WHY_NOT}")


@dataclass(frozen=True)
class Archived:
    config: BackupConfig
    cluster: Cluster
    env: dict[str, str]

    @property
    def url(self) -> str:
        return self.cluster.url("app")


@pytest.fixture(scope="module")
def archived() -> Iterator[Archived]:
    folder = Path(tempfile.mkdtemp(prefix="autogavel-backup-test-"))
    folder.chmod(0o755)  # the repository inside belongs to postgres
    tag = uuid.uuid4().hex[:8]
    config = BackupConfig(backup_dir=folder / "backups", pgbackrest_stanza=f"test{tag}",
                          wal_archive_timeout_s=2)
    cluster = cluster_create(f"test_backup_{tag}", local_trust=True)
    try:
        cluster_start(cluster)
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE app")
        stores.migrate(cluster.url("app").replace("postgresql://", "postgresql+psycopg://"))
        env = {**os.environ, "DATABASE_URL": cluster.url("app"), "BACKUP_DIR": str(config.backup_dir),
               "PGBACKREST_STANZA": config.pgbackrest_stanza, "WAL_ARCHIVE_TIMEOUT_S": "2",
               "DATA_DIR": str(folder / "data")}
        assert "WAL archiving is on" in _cli("ops.backup", "setup", "--cluster", cluster.spec, env=env).stdout
        yield Archived(config, cluster, env)
    finally:
        cluster_drop(cluster)
        shutil.rmtree(folder, ignore_errors=True)


def _cli(module: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _write(url: str, note: str) -> datetime:
    """A committed row; returns the server's clock just after its commit."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS drill (note text, at timestamptz DEFAULT clock_timestamp())")
        conn.execute("INSERT INTO drill (note) VALUES (%s)", (note,))
        row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]


def _notes(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT note FROM drill ORDER BY at")]


def _restored(output: str) -> tuple[str, str]:
    url = re.search(r"DATABASE_URL=(\S+)", output)
    name = re.search(r"new cluster 15/(\S+) on port", output)
    assert url and name, output
    return url.group(1).replace("postgresql+psycopg://", "postgresql://"), name.group(1)


def test_the_archive_timeout_is_at_most_a_minute(archived: Archived) -> None:
    with psycopg.connect(archived.cluster.url()) as conn:
        assert conn.execute("SHOW archive_timeout").fetchone() == ("2s",)
        assert conn.execute("SHOW archive_mode").fetchone() == ("on",)
    with pytest.raises(ValidationError):
        BackupConfig(wal_archive_timeout_s=61)


def test_restore_to_a_time_and_to_the_latest_point_into_new_clusters(archived: Archived) -> None:
    _write(archived.url, "before the backup")
    assert "full backup" in _cli("ops.backup", "run", "--type", "full", env=archived.env).stdout
    _write(archived.url, "after the backup")
    time.sleep(1.1)
    target = _write(archived.url, "the marker")
    time.sleep(1.1)
    _write(archived.url, "after the marker")
    time.sleep(5)  # archive_timeout is 2 s: the last row's WAL is in the archive by now
    _cli("ops.backup", "verify", env=archived.env)
    assert "ALERT" not in _cli("ops.backup", "list", env=archived.env).stdout
    made: list[str] = []
    try:
        at_t = _cli("ops.restore", "--cluster-name", f"{archived.cluster.name}_t", "--to", target.isoformat(),
                    "--like", archived.cluster.spec, env=archived.env).stdout
        url, name = _restored(at_t)
        made.append(name)
        assert _notes(url) == ["before the backup", "after the backup", "the marker"]
        latest = _cli("ops.restore", "--cluster-name", f"{archived.cluster.name}_l", "--like",
                      archived.cluster.spec, env=archived.env).stdout
        url, name = _restored(latest)
        made.append(name)
        assert _notes(url)[-1] == "after the marker"
    finally:
        for name in made:
            cluster_drop(cluster_find(f"15/{name}"))


def test_the_archive_lag_is_small_while_archiving_works(archived: Archived) -> None:
    from data.db import make_engine

    _write(archived.url, "fresh work")
    time.sleep(4)
    engine = make_engine(archived.url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        lag = wal_archive_lag_seconds(engine)
    finally:
        engine.dispose()
    assert lag is not None and lag < 10
