"""The settlement worker: each job held by one worker at a time across processes, a worker that
outlives a store outage, and the app's own loop settling a lot with no worker running."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from data.job_lock import job_lock
from data.settings import get_settings
from domain.types import LotOutcome
from tests.ops.tcp_proxy import CuttableProxy
from tests.support.factories import live_lot, lot_now

ROOT = Path(__file__).resolve().parents[2]

# Two processes each run rounds of a job that records when it ran; the job lock must keep every
# run of one process apart from every run of the other.
RECORDER = """
import json, os, sys, time
from domain.bidding import worker
log = open(sys.argv[1], "a")
def job():
    start = time.monotonic(); time.sleep(0.05)
    log.write(json.dumps([os.getpid(), start, time.monotonic()]) + "\\n"); log.flush()
    return 1
worker.JOBS = {"recorded": job}
deadline = time.monotonic() + 3
while time.monotonic() < deadline:
    worker.run_once(analytics=False)
"""


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env["DATABASE_URL"] = extra.get("DATABASE_URL", get_settings().url)
    return env


def test_a_held_job_is_refused_to_everyone_else(store: str) -> None:
    with job_lock("worker:test") as first:
        with job_lock("worker:test") as second:  # another connection (or file handle) of this process
            assert (first, second) == (True, False)
        with job_lock("worker:other") as unrelated:
            assert unrelated
    with job_lock("worker:test") as again:
        assert again


def test_two_workers_never_run_one_job_at_once(store: str, tmp_path: Path) -> None:
    log = tmp_path / "runs.jsonl"
    workers = [subprocess.Popen([sys.executable, "-c", RECORDER, str(log)], cwd=ROOT, env=_env())
               for _ in range(2)]
    assert [w.wait(60) for w in workers] == [0, 0]
    runs = sorted(json.loads(line) for line in log.read_text().splitlines())
    assert len({pid for pid, _, _ in runs}) == 2, "both workers took the job at some point"
    by_time = sorted(runs, key=lambda run: run[1])
    for earlier, later in itertools.pairwise(by_time):
        assert later[1] >= earlier[2], f"two runs of one job overlapped: {earlier} {later}"


def test_two_real_workers_settle_each_lot_once(store: str) -> None:
    lots = [live_lot(closes_in=timedelta(seconds=-1)).id for _ in range(4)]
    code = "from domain.bidding import worker; print(worker.run_once(analytics=False)['settled'])"
    workers = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=_env(), stdout=subprocess.PIPE)
               for _ in range(2)]
    settled = [int(w.communicate(timeout=60)[0]) for w in workers]
    assert sum(settled) == len(lots)
    assert all(lot_now(lot_id).outcome == LotOutcome.UNSOLD for lot_id in lots)


def _postgres_port(url: str) -> int:
    from sqlalchemy.engine import make_url

    return make_url(url).port or 5432


def test_the_worker_outlives_a_store_outage(store: str, tmp_path: Path) -> None:
    if store != "postgresql":
        pytest.skip("an embedded store cannot go away under its own process")
    from sqlalchemy.engine import make_url

    url = make_url(get_settings().url)
    proxy = CuttableProxy(url.port or 5432, url.host or "127.0.0.1")
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen([sys.executable, "-m", "ops.worker", "--interval", "0.2",
                               "--no-analytics"], cwd=ROOT, env=_env(DATABASE_URL=through_proxy),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        time.sleep(3)  # the worker is up and has run rounds through the proxy
        proxy.cut()
        lot = live_lot(closes_in=timedelta(seconds=1))  # ends while the worker cannot reach the store
        time.sleep(4)
        assert worker.poll() is None, "the worker exited during the outage"
        assert lot_now(lot.id).outcome is None
        proxy.restore()
        _wait_for(lambda: lot_now(lot.id).outcome is not None, seconds=15)
        _wait_for(lambda: "recovered" in (tmp_path / "worker.log").read_text(), seconds=5)
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait(10)
        proxy.close()
        log.close()
    assert "retrying in" in (tmp_path / "worker.log").read_text()


def _wait_for(condition: object, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"not true within {seconds} s")
