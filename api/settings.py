"""The API's own settings, read from the environment (the store's settings stay in data/settings.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

KB, MB = 1024, 1024 * 1024


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="API_", extra="ignore", case_sensitive=False)

    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)  # API_CORS_ORIGINS=https://a.example,https://b
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")  # shared rate limits
    metrics_token: str | None = None  # a scraper's bearer token for /metrics (admins may always read it)
    refresh_days: int = Field(default=14, ge=1, le=90)
    max_body_bytes: int = 64 * KB
    max_upload_bytes: int = 6 * MB
    read_cache_seconds: float = Field(default=1.0, ge=0, le=10)  # public read models (api/cache.py)
    # Blocking work (the store) runs in at most this many threads per worker; more requests wait in the
    # event loop. A worker is bound by its GIL: extra threads add no throughput, only convoys in which
    # the event loop waits for the GIL (bench/results/api.txt: at 250 req/s, p95 0.3 s with 2 threads,
    # 0.5 s with 4, 1.5 s with 8, at the same CPU). Two keep one thread busy while the other waits on I/O.
    worker_threads: int = Field(default=2, ge=1, le=200)
    import_threads: int = Field(default=2, ge=1, le=50)  # workbook uploads, apart from those two
    store_retry_seconds: float = 2.0  # after the store failed, answer 503 at once for this long
    rate_per_token: str = "600/minute"  # noqa: S105 — a rate, not a secret
    rate_per_address: str = "300/minute"  # requests without a token (register, login, refresh)
    rate_login_account: str = "10/minute"
    rate_login_address: str = "30/minute"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip().startswith("["):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    return ApiSettings()
