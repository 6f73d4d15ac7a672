"""One settings object, read from the environment and `.streamlit/secrets.toml`.

`DATABASE_URL` unset means the embedded SQLite store under `DATA_DIR`, with demo mode on by default.
Outside demo mode the app refuses to start without real secrets; in demo mode random secrets are made
once and kept in the data folder, so restarts keep sessions valid. No secret has a default value.
"""

from __future__ import annotations

import json
import secrets
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
SECRETS_TOML = ROOT / ".streamlit" / "secrets.toml"
MIN_SECRET_LENGTH = 32
CURRENCY_SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}


class MissingSecrets(RuntimeError):
    """Raised at start outside demo mode when a required secret is not configured."""


class SecretsTomlSource(PydanticBaseSettingsSource):
    """Top-level keys of `.streamlit/secrets.toml` (the same file `st.secrets` reads)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._values().get(field_name.upper()), field_name, False

    def __call__(self) -> dict[str, Any]:
        known = {name.upper() for name in self.settings_cls.model_fields}
        return {k.lower(): v for k, v in self._values().items() if k.upper() in known}

    def _values(self) -> dict[str, Any]:
        if not SECRETS_TOML.is_file():
            return {}
        with SECRETS_TOML.open("rb") as handle:
            return {k.upper(): v for k, v in tomllib.load(handle).items()}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    database_url: str | None = None
    # Behind PgBouncer's transaction pooling (the production stack): no server-side prepared
    # statements, since the next transaction may run on another server connection.
    database_pooled: bool = False
    # LISTEN needs a session of its own, which transaction pooling cannot give (PgBouncer hands the
    # server connection to another client after each statement, and the notifications with it): the
    # board-event feed connects straight to PostgreSQL here when set (the stack sets it).
    database_listen_url: str | None = None
    # A streaming replica for browsing (data/replica.py); reads go to the primary past this lag.
    database_read_url: str | None = None
    replica_max_lag_s: float = Field(default=5.0, ge=0)
    data_dir: Path = ROOT / "var"
    demo_mode: bool | None = None  # None: on for the embedded store, off with DATABASE_URL
    jwt_secret: str | None = None
    cookie_key: str | None = None
    session_minutes: int = Field(default=60, ge=5, le=60)  # NFR13: tokens expire within an hour
    session_cache_seconds: float = Field(default=3.0, ge=0, le=10)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    currency: str = "INR"
    timezone: str = "Asia/Kolkata"
    secure_cookies: bool = False  # set true behind HTTPS
    # Lot boards pushed over /live (docs/LIVE.md); false: every board polls (the fallback), e.g. behind
    # a proxy that buffers server-sent events, or to measure the polling board (bench/board_bench.py).
    live_push: bool = True
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    # The app process runs the settlement loop itself (domain.bidding.worker.settlement_loop).
    # None: on for the embedded store, where `streamlit run app.py` is the only command; the
    # production stack runs separate workers and turns it off.
    settlement_in_app: bool | None = None
    # Trust (issue 15): this many bid retractions within the window puts the account in admin review.
    retractions_review_threshold: int = Field(default=3, ge=1)
    retractions_review_days: int = Field(default=30, ge=1, le=365)
    # Reports (issue 15): this many distinct users reporting an account (or its store's lots) within the
    # window put it in admin review; a user files at most REPORTS_PER_USER_PER_HOUR reports.
    reports_review_threshold: int = Field(default=3, ge=1)
    reports_review_days: int = Field(default=30, ge=1, le=365)
    reports_per_user_per_hour: int = Field(default=10, ge=1)
    # Marketplace limits (issue 15), for every channel (pages and API), counted where every process
    # sees them: in Redis when REDIS_URL is set, else in the store (domain/oversight/limits.py).
    redis_url: str | None = None
    redis_prefix: str = "autogavel"  # keys are <prefix>:window:<scope>:<key>: installations can share a Redis
    bids_per_user_per_minute: int = Field(default=60, ge=1)
    registrations_per_address_per_hour: int = Field(default=10, ge=1)
    # Soft close (issue 15): every auction's latest end defaults to this many minutes after its last
    # lot's scheduled close; a dealer may choose within the min..max an admin sets.
    soft_close_cap_minutes: int = Field(default=30, ge=1)
    soft_close_cap_min_minutes: int = Field(default=5, ge=1)
    soft_close_cap_max_minutes: int = Field(default=72 * 60, ge=1)
    # Email (docs/EMAIL.md): the outbox is delivered over SMTP by `python -m ops.mailer`, or by a
    # thread of the app process (MAILER_IN_APP; None: on for the embedded store) once SMTP_HOST is set.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_tls: bool = True  # STARTTLS before signing in
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "AutoGavel <no-reply@autogavel.example>"
    mailer_in_app: bool | None = None
    app_base_url: str = "http://localhost:8501"  # the links in emails point here
    password_reset_minutes: int = Field(default=30, ge=5, le=60)
    password_resets_per_hour: int = Field(default=3, ge=1)  # per email address: no spamming an inbox
    # Rows per read when the analytics copy is rebuilt (analytics/copy/refresh.py): each batch is written to
    # the part file before the next is read, so a rebuild's memory is this many rows whatever the store.
    analytics_rebuild_batch: int = Field(default=50_000, ge=1)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, SecretsTomlSource(settings_cls)

    @field_validator("database_url", "database_read_url")
    @classmethod
    def _normalise_url(cls, url: str | None) -> str | None:
        """Accept the usual `postgresql://` spelling and run it on psycopg 3."""
        if not url:
            return None
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, code: str) -> str:
        if code.upper() not in CURRENCY_SYMBOLS:
            raise ValueError(f"CURRENCY must be one of {', '.join(CURRENCY_SYMBOLS)}")
        return code.upper()

    @model_validator(mode="after")
    def _resolve_demo_and_secrets(self) -> Settings:
        if self.demo_mode is None:
            self.demo_mode = self.database_url is None
        if self.demo_mode:
            self._fill_demo_secrets()
        self._require_secrets()
        return self

    def _fill_demo_secrets(self) -> None:
        stored = _demo_secrets(self.data_dir)
        self.jwt_secret = self.jwt_secret or stored["JWT_SECRET"]
        self.cookie_key = self.cookie_key or stored["COOKIE_KEY"]

    def _require_secrets(self) -> None:
        for name in ("jwt_secret", "cookie_key"):
            value = getattr(self, name)
            if not value or len(value) < MIN_SECRET_LENGTH:
                raise MissingSecrets(
                    f"{name.upper()} is not set (or shorter than {MIN_SECRET_LENGTH} characters). "
                    f"Set it in the environment or in .streamlit/secrets.toml, e.g. "
                    f"{name.upper()}=$(python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                    "or run with DEMO_MODE=true to generate demo secrets."
                )

    @property
    def url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'auction.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def runs_settlement(self) -> bool:
        return self.is_sqlite if self.settlement_in_app is None else self.settlement_in_app

    @property
    def runs_mailer(self) -> bool:
        in_app = self.is_sqlite if self.mailer_in_app is None else self.mailer_in_app
        return bool(self.smtp_host) and in_app

    @property
    def currency_symbol(self) -> str:
        return CURRENCY_SYMBOLS[self.currency]

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"


def _demo_secrets(data_dir: Path) -> dict[str, str]:
    """Random secrets made once per data folder; the file is private to its owner."""
    path = data_dir / "demo-secrets.json"
    if path.is_file():
        return dict(json.loads(path.read_text()))
    data_dir.mkdir(parents=True, exist_ok=True)
    values = {key: secrets.token_urlsafe(48) for key in ("JWT_SECRET", "COOKIE_KEY")}
    path.touch(mode=0o600)
    path.write_text(json.dumps(values))
    return values


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


