"""What the stack needs on the host, installed when we may (root with apt), named exactly otherwise."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

DEBIAN_PACKAGES = {"haproxy": "haproxy", "pgbouncer": "pgbouncer", "redis-server": "redis-server",
                   "openssl": "openssl"}
PYTHON_PACKAGES = {"supervisor": "requirements-ops.txt"}


class MissingPrerequisite(RuntimeError):
    pass


def ensure_prerequisites(*, need_redis: bool) -> None:
    wanted = {cmd: pkg for cmd, pkg in DEBIAN_PACKAGES.items() if need_redis or cmd != "redis-server"}
    missing = sorted({pkg for cmd, pkg in wanted.items() if shutil.which(cmd) is None})
    if missing:
        _apt_install(missing)
    if importlib.util.find_spec("supervisor") is None:
        _run([sys.executable, "-m", "pip", "install", "-q", "-r", "requirements-ops.txt"],
             f"{sys.executable} -m pip install -r requirements-ops.txt")


def _apt_install(packages: list[str]) -> None:
    command = "apt-get install -y " + " ".join(packages)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise MissingPrerequisite(f"The stack needs Debian packages {', '.join(packages)}. "
                                  f"Run: sudo {command}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],
                      check=False, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env, capture_output=True)
        _run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages], command, env=env)
    _stop_distribution_services(packages)


def _stop_distribution_services(packages: list[str]) -> None:
    """Debian starts a freshly installed daemon on its default ports; the stack runs its own."""
    for name in packages:
        if name in {"haproxy", "pgbouncer"} and shutil.which("service"):
            subprocess.run(["service", name, "stop"], check=False, capture_output=True)


def _run(argv: list[str], what: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(argv, check=False, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise MissingPrerequisite(f"Could not install a prerequisite; run it yourself: {what}\n"
                                  f"{done.stderr[-2000:]}")
