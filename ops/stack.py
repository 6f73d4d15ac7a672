"""The one-host stack, defined once: every process, its command, port and health check.

`ops.up` turns this into a supervisord configuration; `ops.export` writes the systemd units and
compose.yaml from it, and a test checks the committed copies against it, so they cannot drift.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from ops.settings import StackSettings

PY = sys.executable


@dataclass(frozen=True)
class Program:
    name: str
    argv: tuple[str, ...]
    port: int | None = None
    health: str | None = None  # an HTTP path that answers 200 when the process serves; else a TCP check
    env: dict[str, str] = field(default_factory=dict)
    user: str | None = None  # PgBouncer refuses to run as root
    python: bool = True  # one of ours (runs from the project's virtualenv)


def programs(s: StackSettings, *, as_root: bool = False) -> list[Program]:
    found = [_pgbouncer(s, as_root), *_apps(s), _api(s), _worker(s), _refresher(), _mailer(), _haproxy(s)]
    if s.redis_url is None:
        found.insert(0, _redis(s))
    return found


def _redis(s: StackSettings) -> Program:
    folder = s.stack_dir / "redis"
    return Program("redis", ("redis-server", "--bind", "127.0.0.1", "--port", str(s.redis_port),
                             "--dir", str(folder), "--save", "", "--appendonly", "no"),
                   port=s.redis_port, python=False)


def _pgbouncer(s: StackSettings, as_root: bool) -> Program:
    return Program("pgbouncer", ("pgbouncer", str(s.pgbouncer_dir(as_root=as_root) / "pgbouncer.ini")),
                   port=s.pgbouncer_port, user="postgres" if as_root else None, python=False)


def _apps(s: StackSettings) -> list[Program]:
    return [Program(f"app-{n}", (PY, "-m", "streamlit", "run", "app.py", "--server.headless=true",
                                 "--server.address=127.0.0.1", f"--server.port={port}",
                                 "--logger.messageFormat=" + STREAMLIT_JSON_LOG),
                    port=port, health="/_stcore/health",
                    env={"METRICS_PORT": str(metrics)})
            for n, (port, metrics) in enumerate(zip(s.app_ports(), s.app_metrics_ports(), strict=True),
                                                start=1)]


# Streamlit formats its own log lines; this makes each one a JSON object (the message is not escaped).
STREAMLIT_JSON_LOG = ('{"time": "%(asctime)s", "level": "%(levelname)s", "name": "%(name)s", '
                      '"message": "%(message)s"}')


def _api(s: StackSettings) -> Program:
    return Program("api", (PY, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
                           "--port", str(s.api_port), "--workers", str(s.api_workers), "--no-access-log"),
                   port=s.api_port, health="/readyz",
                   env={"PROMETHEUS_MULTIPROC_DIR": str(s.stack_dir / "metrics" / "api")})


def _worker(s: StackSettings) -> Program:
    return Program("worker", (PY, "-m", "ops.worker", "--no-analytics",
                              "--metrics-port", str(s.worker_metrics_port)),
                   port=s.worker_metrics_port, health="/metrics")


def _refresher() -> Program:
    return Program("analytics", (PY, "-m", "analytics.copy.refresh", "--loop"))


def _mailer() -> Program:
    """Delivers the email outbox over SMTP (SMTP_* in the environment; docs/EMAIL.md)."""
    return Program("mailer", (PY, "-m", "ops.mailer"))


def _haproxy(s: StackSettings) -> Program:
    return Program("haproxy", ("haproxy", "-W", "-db", "-f", str(s.stack_dir / "haproxy.cfg")),
                   port=s.https_port, python=False)


def shared_env(s: StackSettings, *, pooled_url: str, listen_url: str,
               secrets: dict[str, str]) -> dict[str, str]:
    """What every one of our processes is given (the systemd units and compose name the same keys)."""
    return {
        "DATABASE_URL": pooled_url,
        "DATABASE_POOLED": "true",
        "DATABASE_LISTEN_URL": listen_url,
        "REDIS_URL": s.effective_redis_url(),
        "SECURE_COOKIES": "true",
        "SETTLEMENT_IN_APP": "false",  # the worker program settles; app processes only serve
        "DEMO_MODE": "false",
        **secrets,
    }


SHARED_ENV_KEYS = ("DATABASE_URL", "DATABASE_POOLED", "DATABASE_LISTEN_URL", "REDIS_URL", "SECURE_COOKIES",
                   "SETTLEMENT_IN_APP", "DEMO_MODE", "JWT_SECRET", "COOKIE_KEY")

# Passed on to every process when set where the stack starts (the mailer sends; apps write the links).
MAIL_ENV_KEYS = ("SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "SMTP_USER", "SMTP_PASSWORD", "MAIL_FROM",
                 "APP_BASE_URL")
