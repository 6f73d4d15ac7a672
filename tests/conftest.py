"""Fixtures: settings for tests, and a migrated, empty store per test on SQLite and PostgreSQL.

PostgreSQL runs when TEST_DATABASE_URL points at a server (CI sets it and requires it); each run makes
its own database there and drops it at the end, so runs never depend on leftovers.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

_WORK = Path(tempfile.mkdtemp(prefix="auction-tests-"))
os.environ.update({
    "DATA_DIR": str(_WORK / "var"),
    "DEMO_MODE": "false",
    "JWT_SECRET": "test-jwt-secret-0123456789-abcdefghijklmnop",
    "COOKIE_KEY": "test-cookie-key-0123456789-abcdefghijklmnop",
    "BCRYPT_ROUNDS": "4",  # the default is 12 (asserted in tests); 4 keeps the suite fast
})
os.environ.pop("DATABASE_URL", None)

from data.settings import get_settings  # noqa: E402
from tests.support import stores  # noqa: E402
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.sqlite_writes import check_sqlite_writes  # noqa: E402

check_sqlite_writes()

STORES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def store_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    urls = {"sqlite": stores.sqlite_url(tmp_path_factory.mktemp("sqlite"))}
    stores.migrate(urls["sqlite"])
    if not stores.pg_server_url():
        yield urls
        return
    with stores.postgres_database() as pg_url:
        stores.migrate(pg_url)
        urls["postgresql"] = pg_url
        yield urls


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, store_urls: dict[str, str]) -> Iterator[str]:
    """A migrated, empty store; the test runs once on each database."""
    yield from _use(request.param, store_urls)


@pytest.fixture
def sqlite_store(store_urls: dict[str, str]) -> Iterator[str]:
    yield from _use("sqlite", store_urls)


def _use(kind: str, store_urls: dict[str, str]) -> Iterator[str]:
    if kind not in store_urls:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("TEST_DATABASE_URL is required here (REQUIRE_POSTGRES=1) but not set")
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    engine = stores.use_store(store_urls[kind])
    stores.wipe(engine)
    yield kind
    stores.reset_caches()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data folder of the test's own (DATA_DIR: the analytics copy, prepared downloads)."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def settings_as_the_environment_says() -> Iterator[None]:
    """A test that changed the environment and read the settings leaves them cached: the next test
    would run with its limits (monkeypatch restores the variables, not the cache)."""
    yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def no_background_refresher() -> Iterator[None]:
    """A page that read analytics started this process's refresher thread: stop it with the test, so
    it never refreshes the next test's store behind its back."""
    yield
    background = sys.modules.get("analytics.background")
    if background is not None:
        background.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The one Chromium of this test process (see tests/support/browser.py for why only one)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
