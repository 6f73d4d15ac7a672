"""Browsing reads a real streaming replica (pg_basebackup -R into a second cluster), falls back to
the primary when the replica lags or is down. Both clusters are made here, on free ports, and dropped."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from data.db import make_engine
from data.migrate import upgrade_to_head
from data.replica import browse_engine, forget_replica, replica_engine
from domain.inventory import catalog
from ops.ports import free_port
from tests.support import stores
from tests.support.factories import live_lot, make_user

VERSION = "15"


def _run(*argv: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(argv)}: {done.stderr}"


@pytest.fixture(scope="module")
def primary_and_replica() -> Iterator[tuple[str, str]]:
    if shutil.which("pg_createcluster") is None or os.geteuid() != 0:
        pytest.skip("needs Debian's postgresql-common and root to make clusters")
    tag = uuid.uuid4().hex[:6]
    primary, replica = f"rp{tag}", f"rr{tag}"
    p_port, r_port = free_port(), free_port()
    try:
        _run("pg_createcluster", VERSION, primary, "--port", str(p_port), "--start", "--", "--auth=trust")
        _run("createdb", "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres", "market")
        _run("pg_createcluster", VERSION, replica, "--port", str(r_port), "--", "--auth=trust")
        data = Path(f"/var/lib/postgresql/{VERSION}/{replica}")
        for item in data.iterdir():  # keep the folder itself: postgres owns it, not its parent
            shutil.rmtree(item) if item.is_dir() else item.unlink()
        _run("runuser", "-u", "postgres", "--", "pg_basebackup", "-h", "127.0.0.1", "-p", str(p_port),
             "-U", "postgres", "-D", str(data), "-R", "-X", "stream", "-c", "fast")
        _run("pg_ctlcluster", VERSION, replica, "start")
        yield (f"postgresql+psycopg://postgres@127.0.0.1:{p_port}/market",
               f"postgresql+psycopg://postgres@127.0.0.1:{r_port}/market")
    finally:
        forget_replica()
        for name in (replica, primary):
            subprocess.run(["pg_dropcluster", VERSION, name, "--stop"], capture_output=True, check=False)


@pytest.fixture
def on_both(primary_and_replica: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    primary_url, replica_url = primary_and_replica
    engine = make_engine(primary_url)
    upgrade_to_head(engine)
    engine.dispose()
    monkeypatch.setenv("DATABASE_READ_URL", replica_url)
    monkeypatch.setenv("REPLICA_MAX_LAG_S", "1")
    stores.use_store(primary_url)
    forget_replica()
    yield replica_url
    forget_replica()
    stores.reset_caches()


def _browsed_car_ids() -> set[int]:
    return {card.id for card in catalog.car_browse(make_user()).items}


def _wait(condition: object, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not within time"
        time.sleep(0.2)


def test_browsing_reads_the_replica_and_the_lag_guard_falls_back(on_both: str) -> None:
    replica = replica_engine()
    assert replica is not None
    lot = live_lot()  # written on the primary
    with replica.connect() as conn:
        lots = text("SELECT count(*) FROM lots WHERE id = :i")
        _wait(lambda: conn.execute(lots, {"i": lot.id}).scalar() == 1)
    time.sleep(1.1)
    assert browse_engine() is replica  # caught up: browsing goes to the replica, and finds the car
    assert lot.car_id in _browsed_car_ids()
    with replica.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_pause()"))
        conn.commit()
    try:
        live_lot()  # the primary moves on; the replica does not replay it
        time.sleep(2.5)
        assert browse_engine() is not replica, "a replica more than REPLICA_MAX_LAG_S behind must not serve"
    finally:
        with replica.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_resume()"))
            conn.commit()
    time.sleep(1.1)
    _wait(lambda: browse_engine() is replica)


def test_browsing_goes_on_when_the_replica_is_down(on_both: str) -> None:
    lot = live_lot()
    _run("pg_ctlcluster", VERSION, _cluster_of(on_both), "stop", "-m", "fast")
    try:
        time.sleep(1.1)
        assert browse_engine() is not replica_engine()
        assert lot.car_id in _browsed_car_ids()  # answered by the primary
    finally:
        _run("pg_ctlcluster", VERSION, _cluster_of(on_both), "start")


def _cluster_of(url: str) -> str:
    port = url.rsplit(":", maxsplit=1)[-1].split("/", maxsplit=1)[0]
    found = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
    return next(line.split()[1] for line in found.splitlines() if line.split()[2] == port)
