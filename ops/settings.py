"""The stack's settings, from the environment (same names in the systemd units and compose.yaml)."""

from __future__ import annotations

import hashlib
import tempfile
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from data.settings import ROOT


class StackSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False, env_prefix="")

    database_url: str = "postgresql://postgres@127.0.0.1:5432/autogavel"  # the owner: migrations, backups
    app_role: str = "auction_app"  # what our processes connect as: no UPDATE or DELETE on the audit log
    redis_url: str | None = None  # unset: the stack runs its own Redis on redis_port
    stack_dir: Path = ROOT / "var" / "stack"  # configs, certificate, logs, pid and socket files
    https_port: int = 8443
    http_port: int = 8080  # redirects to https
    app_processes: int = Field(default=2, ge=1, le=32)
    app_base_port: int = 8501  # app process n listens on app_base_port + n - 1
    api_port: int = 8000
    api_workers: int = Field(default=2, ge=1, le=32)
    pgbouncer_port: int = 6432
    redis_port: int = 6380
    worker_metrics_port: int = 9101
    app_metrics_base_port: int = 9201  # app process n serves /metrics on app_metrics_base_port + n - 1
    tls_cert: Path | None = None  # a real certificate (PEM); unset: self-signed, made on first start
    tls_key: Path | None = None
    public_hostname: str = "localhost"  # the certificate's name
    public_https_port: int | None = None  # where the redirect sends browsers, if a NAT maps https_port

    @field_validator("tls_cert", "tls_key", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    def redirect_port(self) -> int:
        return self.public_https_port or self.https_port

    @property
    def log_dir(self) -> Path:
        return self.stack_dir / "logs"

    def pgbouncer_dir(self, *, as_root: bool) -> Path:
        """PgBouncer refuses to run as root, so under root it runs as `postgres`, which must reach its
        files: they go to a folder of their own under /tmp (the stack folder may be private)."""
        if not as_root:
            return self.stack_dir / "pgbouncer"
        tag = hashlib.sha256(str(self.stack_dir.resolve()).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"autogavel-pgbouncer-{tag}"

    def app_ports(self) -> list[int]:
        return [self.app_base_port + n for n in range(self.app_processes)]

    def app_metrics_ports(self) -> list[int]:
        return [self.app_metrics_base_port + n for n in range(self.app_processes)]

    def effective_redis_url(self) -> str:
        return self.redis_url or f"redis://127.0.0.1:{self.redis_port}/0"


@lru_cache(maxsize=1)
def get_stack_settings() -> StackSettings:
    return StackSettings()
