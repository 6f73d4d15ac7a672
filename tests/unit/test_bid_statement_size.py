"""The bid path's statements stay within what psycopg caches: it parses a statement's text for its
parameters on every execution unless the text is short enough (4 KB, raised to 8 KB by data/db.py for
PostgreSQL engines) and has at most 50 parameters. The bid's write once grew past the first cap (bound
constants), and every bid paid to parse it again."""

from __future__ import annotations

import pytest
from psycopg import _queries  # the caps live here; psycopg exports no public name for them
from sqlalchemy.dialects.postgresql import psycopg

from data import bid_store
from data.db import PARSE_CACHED_UP_TO, make_engine

STATEMENTS = {"the lock query": bid_store._LOCK_QUERY, "the others' read": bid_store._BIDDERS_QUERY,
              "a lone bid's write": bid_store._POSTGRES_WRITE_ONE,
              "a batch's write": bid_store._POSTGRES_WRITE_MANY}


@pytest.mark.parametrize("name", STATEMENTS)
def test_a_bid_statement_is_one_psycopg_caches(name: str) -> None:
    compiled = STATEMENTS[name].compile(dialect=psycopg.dialect())
    size, parameters = len(str(compiled).encode()), len(compiled.params)
    assert size <= PARSE_CACHED_UP_TO, f"{name}: {size} bytes"
    assert parameters <= _queries.MAX_CACHED_STATEMENT_PARAMS, f"{name}: {parameters} parameters"


def test_a_postgres_engine_raises_psycopgs_cap_to_ours() -> None:
    make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none").dispose()  # connects to nothing
    assert _queries.MAX_CACHED_STATEMENT_LENGTH >= PARSE_CACHED_UP_TO
