"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from data.settings import get_settings
from tests.support.smtp import Inbox, smtp_server


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A real local SMTP server the app's settings point at, for the mailer to deliver to."""
    with smtp_server() as server:
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(server.port))
        monkeypatch.setenv("SMTP_TLS", "false")
        get_settings.cache_clear()
        yield server
    get_settings.cache_clear()
