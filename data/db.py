"""The engine. Every difference between SQLite and PostgreSQL connections lives here.

SQLite: WAL so readers never block the writer, a busy timeout instead of "database is locked", and
write transactions that start with BEGIN IMMEDIATE, so two writers queue at BEGIN instead of failing
when a reader later tries to upgrade its lock. PostgreSQL: a pool on psycopg 3 that pings a connection
before handing it out if it has sat idle for a while.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from psycopg import _queries as psycopg_queries  # the parse cache's cap has no public name
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError

from data.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000


PING_AFTER_IDLE_S = 2.0
# Behind PgBouncer's transaction pooling (1.18 has no prepared-statement support), psycopg must not
# prepare statements on a server connection the next transaction may not get.
NO_SERVER_PREPARES: dict[str, Any] = {"connect_args": {"prepare_threshold": None}}
# psycopg parses a statement's text for its placeholders on every execution unless the text is at most
# `MAX_CACHED_STATEMENT_LENGTH` (4 KB) long; the cap only bounds its parse cache (128 entries). The bid's
# write is one statement of ~5 KB (data/bid_store.py; tests/unit/test_bid_statement_size.py holds it to
# this), sent with every bid: 8 KB keeps its parse cached, and the cache under 1 MB.
PARSE_CACHED_UP_TO = 8192


def make_engine(url: str, **kw: Any) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kw)
    return _postgres_engine(url, **kw)


def _postgres_engine(url: str, **kw: Any) -> Engine:
    """Pre-ping, but only connections that have been idle: a connection back in the pool a moment ago
    is as alive as a ping would show, and SQLAlchemy's own pre-ping costs a round trip on every
    checkout (a bid, a page run, two per API request). A dead idle connection (server restarted, a
    firewall dropped it) fails its ping and is replaced before anyone uses it; one that dies while
    busy fails its statement, and SQLAlchemy then discards the pool's older connections."""
    engine = create_engine(url, **{"pool_size": 10, "max_overflow": 20, **kw})
    psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = max(psycopg_queries.MAX_CACHED_STATEMENT_LENGTH,
                                                      PARSE_CACHED_UP_TO)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # new, or back in the pool just now
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:
            raise DisconnectionError("the connection died while idle")  # the pool connects anew

    return engine


def _sqlite_engine(url: str, **kw: Any) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kw)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                       f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if takes_write_lock(conn) else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same pool, but transactions that take SQLite's write lock up front."""
    return _variant(engine, "writer", sqlite_immediate=True)


def takes_write_lock(conn: Connection) -> bool:
    """Whether this connection's transactions take SQLite's write lock at BEGIN (it came from `writer`)."""
    return bool(conn.get_execution_options().get("sqlite_immediate", False))


def reader(engine: Engine) -> Engine:
    """The same pool for reads. On PostgreSQL they run without a transaction: under READ COMMITTED
    every statement takes its own snapshot anyway, so BEGIN and ROLLBACK were two round trips that
    bought nothing. SQLite keeps its read transaction: one snapshot for all the statements of a read,
    at no round-trip cost."""
    if engine.dialect.name == "postgresql":
        return _variant(engine, "reader", isolation_level="AUTOCOMMIT")
    return engine


def ping(engine: Engine) -> None:
    """Raises (an SQLAlchemy error) when the store does not answer: one round trip, no transaction on
    PostgreSQL (`reader`)."""
    with reader(engine).connect() as conn:
        conn.execute(text("SELECT 1")).one()


def _variant(engine: Engine, name: str, **options: Any) -> Engine:
    """`engine.execution_options(...)`, made once per engine and kept on it: every unit of work asks,
    and a new option engine each time was measurable on the API's busiest reads."""
    attribute = f"_autogavel_{name}"
    found: Engine | None = engine.__dict__.get(attribute)
    if found is None:
        found = engine.execution_options(**options)
        setattr(engine, attribute, found)
    return found


_engine_lock = threading.Lock()
_engine: Engine | None = None


def get_engine() -> Engine:
    """One engine (one pool) per process; the lock stops threads racing to build several."""
    global _engine  # noqa: PLW0603 — the process's one pool, built on first use
    with _engine_lock:
        if _engine is None:
            settings = get_settings()
            if settings.is_sqlite:
                settings.data_dir.mkdir(parents=True, exist_ok=True)
            pooled = settings.database_pooled and not settings.is_sqlite
            _engine = make_engine(settings.url, **(NO_SERVER_PREPARES if pooled else {}))
        return _engine


def serves(engine: Engine) -> bool:
    """Whether `engine` is still this process's store (tests and benches switch stores; a server's
    never changes). Never builds one, so a background thread may ask."""
    current = _engine
    return current is not None and current.url == engine.url


def reset_engine() -> None:
    """Close the pool and forget the engine (tests and benches switch stores)."""
    global _engine  # noqa: PLW0603
    with _engine_lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None


def use_database(url: str | None) -> None:
    """Point this process's settings and engine at `url`, as the app reads DATABASE_URL (tests and
    benchmarks switch stores); None only lets go of the current store's connections."""
    reset_engine()
    get_settings.cache_clear()
    if url:
        os.environ["DATABASE_URL"] = url
