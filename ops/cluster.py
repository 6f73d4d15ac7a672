"""Debian PostgreSQL clusters (`pg_createcluster` and friends): make one on a port, stop it hard, drop it.

Restores land in a NEW cluster, never over the one that failed, and the drill and tests archive from a
cluster of their own: the shared server on 5432 is never reconfigured, stopped or restarted from here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from ops.ports import free_port

PG_VERSION = "15"
READY_TIMEOUT_S = 600.0  # recovery of a big archive may take minutes before the server is promoted


class ClusterError(RuntimeError):
    pass


@dataclass(frozen=True)
class Cluster:
    version: str
    name: str
    port: int

    @property
    def spec(self) -> str:
        return f"{self.version}/{self.name}"

    @property
    def data_dir(self) -> Path:
        return Path(f"/var/lib/postgresql/{self.version}/{self.name}")

    @property
    def conf_dir(self) -> Path:
        return Path(f"/etc/postgresql/{self.version}/{self.name}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


def run(*args: str, quiet: bool = False, stream: bool = False) -> str:
    """Run a command; its output on success, a ClusterError naming the command and its stderr if not.
    `stream` lets a long command print its progress as it goes (its output is not returned)."""
    if stream:
        code = subprocess.run(args, check=False).returncode
        if code != 0:
            raise ClusterError(f"`{' '.join(args)}` failed ({code}): see its output above")
        return ""
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        why = done.stderr.strip() or done.stdout
        raise ClusterError(f"`{' '.join(args)}` failed ({done.returncode}): {why}")
    if not quiet and done.stdout.strip():
        print(done.stdout.strip(), flush=True)
    return done.stdout


def tools_ready() -> str | None:
    """Why clusters cannot be made here (None when they can): root and the Debian tools are needed."""
    if not shutil.which("pg_createcluster"):
        return "pg_createcluster is missing (Debian's postgresql-common)"
    if os.geteuid() != 0:
        return "making a PostgreSQL cluster needs root (pg_createcluster, then files owned by postgres)"
    return None


def cluster_find(spec: str) -> Cluster:
    """The cluster named `15/main`, with its port, from pg_lsclusters."""
    for line in run("pg_lsclusters", "--no-header", quiet=True).splitlines():
        version, name, port = line.split()[:3]
        if f"{version}/{name}" == spec:
            return Cluster(version, name, int(port))
    raise ClusterError(f"no PostgreSQL cluster {spec} here (see pg_lsclusters)")


def cluster_create(name: str, *, port: int | None = None, version: str = PG_VERSION,
                   local_trust: bool = False) -> Cluster:
    """A new, stopped cluster with Debian's access rules (peer on the socket, passwords over TCP), or
    trusting local connections (`local_trust`: the drill's and the tests' throwaway clusters)."""
    cluster = Cluster(version, name, port or free_port())
    auth = ["--", "--auth=trust"] if local_trust else []
    run("pg_createcluster", version, name, "-p", str(cluster.port), *auth, quiet=True)
    return cluster


def cluster_start(cluster: Cluster) -> None:
    run("pg_ctlcluster", cluster.version, cluster.name, "start")
    wait_until_writable(cluster)


def cluster_stop(cluster: Cluster, *, mode: str = "fast") -> None:
    """`immediate` is a crash as far as the data folder is concerned: no checkpoint, no final archive."""
    run("pg_ctlcluster", cluster.version, cluster.name, "stop", "-m", mode)


def cluster_restart(cluster: Cluster) -> None:
    run("pg_ctlcluster", cluster.version, cluster.name, "restart")
    wait_until_writable(cluster)


def cluster_drop(cluster: Cluster) -> None:
    run("pg_dropcluster", "--stop", cluster.version, cluster.name, quiet=True)


def wait_until_writable(cluster: Cluster, timeout: float = READY_TIMEOUT_S) -> None:
    """Until the server accepts connections and has left recovery (a restore replays WAL first)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(cluster.url(), connect_timeout=2) as conn:
                row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                if row is not None and not row[0]:
                    return
        except psycopg.OperationalError:
            pass
        if time.monotonic() > deadline:
            raise ClusterError(f"cluster {cluster.spec} is not writable after {timeout:.0f} s: see "
                               f"/var/log/postgresql/postgresql-{cluster.version}-{cluster.name}.log")
        time.sleep(0.2)
