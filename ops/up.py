"""`python -m ops.up`: the whole platform on this host, behind TLS, supervised.

HAProxy (HTTPS on HTTPS_PORT, a redirect on HTTP_PORT) -> N Streamlit app processes (cookie affinity)
and the API; PgBouncer (transaction pooling) in front of DATABASE_URL; the settlement worker, the
analytics refresher, and Redis unless REDIS_URL names one. supervisord restarts whatever dies.
Configs, certificate and logs (JSON, one file per process) live under STACK_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from data.app_role import grant_app_role
from data.db import make_engine
from data.migrate import upgrade_to_head
from ops import configs
from ops.install import ensure_prerequisites
from ops.settings import StackSettings, get_stack_settings
from ops.stack import MAIL_ENV_KEYS, programs, shared_env
from ops.supervise import conf_path, states, supervisord_pid, table
from ops.tls import certificate_pem

START_TIMEOUT_S = 120


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    s = get_stack_settings()
    if args.prepare_only:  # systemd's autogavel-prepare.service: migrate, write configs, start nothing
        prepare_database(s, _app_db_password(s))
        _write_files(s)
        return 0
    if supervisord_pid(s):
        print(f"The stack is already running (STACK_DIR={s.stack_dir}):")
        print(table(states(s, programs(s, as_root=_root()))))
        return 0
    ensure_prerequisites(need_redis=s.redis_url is None)
    prepare_database(s, _app_db_password(s))
    _write_files(s)
    env = {**os.environ, **process_env(s)}
    supervisord = [sys.executable, "-m", "supervisor.supervisord", "-c", str(conf_path(s))]
    if args.foreground:  # a container's main process: supervisord in its place, logs and signals included
        os.execve(sys.executable, [*supervisord, "--nodaemon"], env)  # noqa: S606 — fixed argv
    subprocess.run(supervisord, env=env, check=True)
    return _wait_healthy(s)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--foreground", action="store_true",
                        help="run supervisord in this process (a container's main process)")
    parser.add_argument("--prepare-only", action="store_true",
                        help="migrate, write the configs, start nothing (systemd runs each process)")
    return parser


def prepare_database(s: StackSettings, app_password: str) -> None:
    """Create the database if it is missing, migrate it and grant the app's role its rights, as the
    owner, straight to PostgreSQL (not PgBouncer)."""
    target = make_url(s.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    server = make_engine(target.set(database="postgres").render_as_string(hide_password=False),
                         isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": target.database}).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        server.dispose()
    engine = make_engine(target.render_as_string(hide_password=False))
    try:
        upgrade_to_head(engine)
        grant_app_role(engine, s.app_role, app_password)
    finally:
        engine.dispose()


def process_env(s: StackSettings) -> dict[str, str]:
    """The settings every process of ours runs with (systemd units read them from processes.env)."""
    mail = {key: os.environ[key] for key in MAIL_ENV_KEYS if os.environ.get(key)}
    return {"DATA_DIR": os.environ.get("DATA_DIR", str(_data_dir())),
            **shared_env(s, pooled_url=configs.pooled_url(s),
                         listen_url=configs.listen_url(s, _app_db_password(s)), secrets=_secrets(s)),
            **mail}


def _write_files(s: StackSettings) -> None:
    for folder in (s.stack_dir, s.log_dir, s.stack_dir / "redis", s.pgbouncer_dir(as_root=_root())):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    metrics = s.stack_dir / "metrics"
    shutil.rmtree(metrics, ignore_errors=True)  # prometheus multiprocess files of a previous run
    (metrics / "api").mkdir(parents=True)
    (metrics / "app").mkdir(parents=True)
    pem = certificate_pem(s)
    (s.stack_dir / "haproxy.cfg").write_text(configs.haproxy_cfg(s, pem))
    bouncer = s.pgbouncer_dir(as_root=_root())
    (bouncer / "pgbouncer.ini").write_text(configs.pgbouncer_ini(s, _app_db_password(s), as_root=_root()))
    (bouncer / "userlist.txt").write_text(configs.pgbouncer_users(s))
    if _root():
        shutil.chown(bouncer, "postgres")
    env_file = s.stack_dir / "processes.env"
    env_file.touch(mode=0o600)
    env_file.write_text("".join(f"{key}={value}\n" for key, value in process_env(s).items()))
    conf_path(s).touch(mode=0o600)
    conf_path(s).write_text(configs.supervisord_conf(s, programs(s, as_root=_root())))


def _secrets(s: StackSettings) -> dict[str, str]:
    """JWT_SECRET and COOKIE_KEY, which every process is given."""
    return {key: _secret(s, key) for key in ("JWT_SECRET", "COOKIE_KEY")}


def _app_db_password(s: StackSettings) -> str:
    """The app role's password: only PgBouncer holds it (our processes reach PgBouncer on loopback)."""
    return _secret(s, "APP_DB_PASSWORD")


def _secret(s: StackSettings, key: str) -> str:
    """From the environment, else made once for this stack and kept in secrets.json (mode 600)."""
    if os.environ.get(key):
        return os.environ[key]
    path = s.stack_dir / "secrets.json"
    if not path.is_file():
        s.stack_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.touch(mode=0o600)
        path.write_text("{}")
    stored: dict[str, str] = json.loads(path.read_text())
    if key not in stored:
        stored[key] = secrets.token_urlsafe(48)
        path.write_text(json.dumps(stored))
    return stored[key]


def _wait_healthy(s: StackSettings) -> int:
    deadline = time.monotonic() + START_TIMEOUT_S
    found = states(s, programs(s, as_root=_root()))
    while not all(p.healthy for p in found) and time.monotonic() < deadline:
        time.sleep(1)
        found = states(s, programs(s, as_root=_root()))
    print(table(found))
    if not all(p.healthy for p in found):
        print(f"Not every process is healthy after {START_TIMEOUT_S} s: see {s.log_dir}", file=sys.stderr)
        return 1
    print(f"\nhttps://{s.public_hostname}:{s.https_port}  (logs: {s.log_dir}; stop: python -m ops.down)")
    return 0


def _root() -> bool:
    return os.geteuid() == 0


def _data_dir() -> Path:
    from data.settings import ROOT

    return ROOT / "var"


if __name__ == "__main__":
    sys.exit(main())
