"""`streamlit run app.py` alone settles lots: the app server runs the settlement loop itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from domain.types import LotOutcome
from ops.ports import free_port
from tests.e2e.conftest import _wait_healthy
from tests.support import stores
from tests.support.factories import live_lot, lot_now

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def embedded_app(tmp_path: Path) -> Iterator[str]:
    """The app as the README starts it, on an empty embedded store; yields that store's URL."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SETTLEMENT_IN_APP"}}
    env["DATA_DIR"] = str(tmp_path)
    port = free_port()
    with (tmp_path / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
             f"--server.port={port}", "--server.address=127.0.0.1"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(f"http://127.0.0.1:{port}", server)
            stores.use_store(f"sqlite:///{tmp_path / 'auction.db'}")
            yield str(tmp_path)
        finally:
            stores.reset_caches()
            server.terminate()
            server.wait(20)


def test_the_app_settles_a_lot_that_ends_with_no_worker_running(embedded_app: str) -> None:
    lot = live_lot(closes_in=timedelta(seconds=1))
    deadline = time.monotonic() + 15
    while lot_now(lot.id).outcome is None and time.monotonic() < deadline:
        time.sleep(0.3)
    assert lot_now(lot.id).outcome == LotOutcome.UNSOLD
