"""A submission sent twice (a double click, a client retrying after a timeout) is answered with the
first answer, whichever process serves each copy and however they interleave. The hard case: both
copies wait for the lot's lock, held here by the test; the first to get it places the bid, and the
second, granted the lock after its twin committed, must find that bid, not be refused as too low
against it (its first snapshot predates the twin's commit on PostgreSQL)."""

from __future__ import annotations

import os
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from data.db import get_engine, use_database, writer
from data.models import Bid
from domain.bidding.service import bid_place, lot_buy_now
from domain.permissions import Actor
from tests.integration.test_bid_storm import count, storm_context
from tests.support.children import start_all
from tests.support.factories import live_lot, make_user

WAIT_S = 60


@dataclass(frozen=True)
class Copy:
    url: str
    actor: Actor
    lot_id: int
    key: str
    maximum: Decimal | None  # None: buy now


def send_copy(job: Copy, out: Any) -> None:
    """A child: connect, say so, then submit (it waits for the lot's lock) and report the answer."""
    try:
        use_database(job.url)
        get_engine().connect().close()
        out.put(("ready", None))
        if job.maximum is None:
            receipt = lot_buy_now(job.actor, lot_id=job.lot_id, key=job.key)
        else:
            receipt = bid_place(job.actor, lot_id=job.lot_id, maximum=job.maximum, key=job.key)
        out.put(("answer", (receipt.bid_id, receipt.repeated)))
    except Exception as error:
        out.put(("answer", (type(error).__name__, str(error))))
    except BaseException:
        out.put(("answer", ("crash", traceback.format_exc())))


@contextmanager
def lot_locked(lot_id: int) -> Iterator[Callable[[], int]]:
    """Hold the lot's lock as a bid would (a row lock; SQLite: the write lock); yields a function that
    counts the sessions waiting for it (PostgreSQL; SQLite cannot tell)."""
    engine = get_engine()
    with writer(engine).begin() as conn:  # SQLite: BEGIN IMMEDIATE
        conn.execute(text("SELECT id FROM lots WHERE id = :id FOR UPDATE" if engine.dialect.name ==
                          "postgresql" else "SELECT id FROM lots WHERE id = :id"), {"id": lot_id})

        def waiting() -> int:
            if engine.dialect.name != "postgresql":
                return -1
            with engine.connect() as probe:
                return int(probe.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()")).scalar_one())

        yield waiting


def both_copies_wait_then_run(actor: Actor, lot_id: int, maximum: Decimal | None) -> list[Any]:
    context = storm_context()
    out = context.Queue()  # type: ignore[attr-defined]
    job = Copy(os.environ["DATABASE_URL"], actor, lot_id, uuid.uuid4().hex, maximum)
    children = [context.Process(target=send_copy, args=(job, out)) for _ in range(2)]  # type: ignore[attr-defined]
    with lot_locked(lot_id) as waiting:
        start_all(children)
        assert [out.get(timeout=WAIT_S)[0] for _ in children] == ["ready", "ready"]
        deadline = time.monotonic() + WAIT_S
        while waiting() not in (-1, 2) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # both copies are inside their lock wait now
    answers = [out.get(timeout=WAIT_S)[1] for _ in children]
    for child in children:
        child.join(10)
    return answers


@pytest.mark.parametrize("maximum", [Decimal("350000"), None], ids=["bid", "buy-now"])
def test_two_copies_waiting_for_the_lock_get_one_bid_and_its_replay(store: str,
                                                                    maximum: Decimal | None) -> None:
    lot = live_lot(reserve=None)
    answers = both_copies_wait_then_run(make_user(), lot.id or 0, maximum)
    ids = {answer[0] for answer in answers}
    assert {answer[1] for answer in answers} == {False, True}, answers  # placed, then replayed
    assert len(ids) == 1 and count(Bid) == 1, answers
