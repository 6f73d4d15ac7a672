"""The PostgreSQL pool pings a connection only after it has sat idle, and replaces one that died there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from data import db
from data.db import get_engine, make_engine


@pytest.fixture
def pool(store: str) -> Iterator[Engine]:
    if store != "postgresql":
        pytest.skip("SQLite has no server connection to lose")
    engine = make_engine(get_engine().url.render_as_string(hide_password=False), pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def counting_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    real = engine.dialect.do_ping

    def ping(dbapi_conn: Any) -> bool:
        pings.append(1)
        return real(dbapi_conn)

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    return pings


def test_a_connection_back_a_moment_ago_is_not_pinged(pool: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = counting_pings(pool, monkeypatch)
    first = backend_pid(pool)
    assert [backend_pid(pool) for _ in range(5)] == [first] * 5
    assert pings == []


def test_a_connection_that_died_while_idle_is_replaced_unseen(pool: Engine,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    pings = counting_pings(pool, monkeypatch)
    dead = backend_pid(pool)
    with get_engine().connect() as other:
        assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead}).scalar_one()
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)  # as if it had sat idle for long
    assert backend_pid(pool) != dead  # no error: the ping found it dead and the pool reconnected
    assert pings
