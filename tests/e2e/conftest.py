"""A real app server (`streamlit run app.py`) on a fresh embedded store, and Debian's Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from ops.ports import free_port
from tests.support import stores
from tests.support.demo_store import live_demo_lot
from tests.support.smtp import Inbox, smtp_server

ROOT = Path(__file__).resolve().parents[2]
# The machine running the suite may be loaded (two cores, other suites): every wait is on a condition,
# with limits far above what an idle machine needs, never a fixed sleep.
WAIT_MS = 30_000
# What a failing browser test shows besides its own assertion (`pytest_runtest_makereport`): the tail
# of each running app server's log and each open tab's requests that never finished or failed.
_SERVER_LOGS: list[Path] = []
_TAB_REQUESTS: dict[Page, dict[str, str]] = {}
expect.set_options(timeout=WAIT_MS)


def wait_until(condition: Callable[[], bool], timeout: float = WAIT_MS / 1000) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout: float = 180) -> None:
    # The first start migrates and seeds the demo (a year of history included): on a loaded shared
    # machine that alone has taken 40+ s, so the limit is generous; a healthy server answers sooner.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("the app server did not become healthy")


@pytest.fixture(scope="session")
def app_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-var")


@contextmanager
def app_server(data_dir: Path, log_path: Path, extra_env: dict[str, str] | None = None,
               port: int | None = None) -> Iterator[str]:
    """`streamlit run app.py` as a newcomer starts it: embedded store, demo mode, nothing else set
    (but `extra_env`); its emails link back to it. `port`: the one a stopped server had (a restart)."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "JWT_SECRET", "COOKIE_KEY", "DEMO_MODE", "BCRYPT_ROUNDS"}}
    env |= {"DATA_DIR": str(data_dir), "APP_BASE_URL": f"http://127.0.0.1:{port}", **(extra_env or {})}
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
             f"--server.port={port}", "--server.address=127.0.0.1"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        _SERVER_LOGS.append(log_path)
        try:
            _wait_healthy(url, server)
            yield url
        finally:
            _SERVER_LOGS.remove(log_path)
            server.terminate()
            server.wait(20)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory, app_data_dir: Path) -> Iterator[str]:
    with app_server(app_data_dir, tmp_path_factory.mktemp("e2e-log") / "server.log") as url:
        yield url


@pytest.fixture
def fresh_app_url(app_url: str, app_data_dir: Path, tmp_path: Path) -> Iterator[str]:
    """A second server just started on the same (already prepared) store: nobody has opened a page
    of it yet. Cookies ignore the port, so a tab signed in on `app_url` is signed in here too."""
    with app_server(app_data_dir, tmp_path / "fresh-server.log") as url:
        yield url


@pytest.fixture
def mailing_app(tmp_path: Path) -> Iterator[tuple[str, Inbox]]:
    """An app of its own whose mailer thread delivers to a local SMTP server; this process uses its
    store."""
    with smtp_server() as inbox:
        mail = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(inbox.port), "SMTP_TLS": "false"}
        with app_server(tmp_path, tmp_path / "server.log", mail) as url:
            stores.use_store(f"sqlite:///{tmp_path / 'auction.db'}")
            try:
                yield url, inbox
            finally:
                stores.reset_caches()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _tab(browser)


@pytest.fixture
def second_page(browser: Browser) -> Iterator[Page]:
    """Another person, in their own browser context (own cookies)."""
    yield from _tab(browser)


def _tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    _TAB_REQUESTS[tab] = _track_requests(tab)
    yield tab
    del _TAB_REQUESTS[tab]
    context.close()


def _track_requests(tab: Page) -> dict[str, str]:
    """URL -> "pending" or why it failed, for the tab's requests not (yet) answered."""
    unanswered: dict[str, str] = {}
    tab.on("request", lambda request: unanswered.__setitem__(request.url, "pending"))
    tab.on("requestfinished", lambda request: unanswered.pop(request.url, None))
    tab.on("requestfailed", lambda request: unanswered.__setitem__(request.url, f"failed: {request.failure}"))
    return unanswered


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A browser test that fails says what the servers logged and what the browser still waited for:
    a flake on a loaded CI machine is then diagnosable from its report alone."""
    report = yield
    if report.when == "call" and report.failed:
        for log in _SERVER_LOGS:
            lines = log.read_text(errors="replace").splitlines()[-40:]
            report.sections.append((f"app server log {log.name} (last 40 lines)", "\n".join(lines)))
        for number, unanswered in enumerate(_TAB_REQUESTS.values()):
            listed = "\n".join(f"{state}: {url}" for url, state in unanswered.items()) or "none"
            report.sections.append((f"tab {number}: requests not answered", listed))
    return report


def demo_accounts(page: Page, app_url: str) -> dict[str, tuple[str, str]]:
    """Role -> (email, password), read from the sign-in page as a visitor reads them."""
    page.goto(app_url)
    table = page.locator("table").first
    table.wait_for()
    accounts = {}
    for row in table.locator("tbody tr").all():
        role, email, password = (cell.strip() for cell in row.locator("td").all_inner_texts())
        accounts[role] = (email, password)
    return accounts


def sign_in(page: Page, app_url: str, email: str, password: str) -> None:
    page.goto(app_url)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Welcome,").wait_for()


def a_live_lot(data_dir: Path, nth: int = 0, untouched_by: tuple[str, ...] = ()) -> int:
    """A demo lot that stays open for the whole test (read from the app's own store)."""
    return live_demo_lot(data_dir, open_for=timedelta(minutes=20), nth=nth, untouched_by=untouched_by)
