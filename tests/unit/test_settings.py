"""Settings: the store is chosen by one variable, demo mode by another, and there is no default secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.settings import MissingSecrets, Settings


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("DATABASE_URL", "DEMO_MODE", "JWT_SECRET", "COOKIE_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setattr("data.settings.SECRETS_TOML", tmp_path / "absent.toml")
    return tmp_path


def test_embedded_store_runs_in_demo_mode_with_generated_secrets(bare_env: Path) -> None:
    first = Settings()
    assert first.is_sqlite and first.demo_mode
    assert first.url == f"sqlite:///{bare_env / 'auction.db'}"
    assert first.jwt_secret and len(first.jwt_secret) >= 32 and first.jwt_secret != first.cookie_key
    assert Settings().jwt_secret == first.jwt_secret  # kept in the data folder across restarts
    assert (bare_env / "demo-secrets.json").stat().st_mode & 0o077 == 0


def test_postgres_without_secrets_refuses_to_start(bare_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db/auction")
    with pytest.raises(MissingSecrets, match="JWT_SECRET is not set"):
        Settings()


def test_short_secrets_are_refused(bare_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_MODE", "false")
    monkeypatch.setenv("JWT_SECRET", "secret")
    monkeypatch.setenv("COOKIE_KEY", "k" * 40)
    with pytest.raises(MissingSecrets, match="shorter than 32"):
        Settings()


def test_postgres_url_is_normalised_to_psycopg3(bare_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db/auction")
    monkeypatch.setenv("JWT_SECRET", "j" * 40)
    monkeypatch.setenv("COOKIE_KEY", "c" * 40)
    settings = Settings()
    assert settings.url == "postgresql+psycopg://app@db/auction"
    assert not settings.demo_mode and not settings.is_sqlite


def test_secrets_toml_is_read(bare_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = bare_env / "secrets.toml"
    toml.write_text(f'JWT_SECRET = "{"t" * 40}"\nCOOKIE_KEY = "{"u" * 40}"\nDEMO_MODE = false\n')
    monkeypatch.setattr("data.settings.SECRETS_TOML", toml)
    settings = Settings()
    assert settings.jwt_secret == "t" * 40 and settings.demo_mode is False


def test_unknown_currency_is_refused(bare_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURRENCY", "XYZ")
    with pytest.raises(ValueError, match="CURRENCY must be one of"):
        Settings()
