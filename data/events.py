"""Board events: after a commit that changed lots, every process hears `{lot_id, version}`.

A unit of work notes the lots it touched (the change-log hook in `data/uow.py` does it for every
flush and `record_change`; the bid fast path, which writes its change-log rows in SQL, notes its lot
itself). Just before commit the touched lots' versions are read inside the transaction (the rows are
locked by our own writes, so these are the versions being committed), and:

- on PostgreSQL a `pg_notify` is sent in the same transaction: the server delivers it to every
  listener at commit and never on rollback, in commit order;
- in this process the events go to the local sinks after commit (on rollback they are dropped).

Payloads are ids and versions only ("12:40,13:7"): NOTIFY caps a payload at 8,000 bytes and a board
is always read from the store, never from the event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session as SASession
from sqlmodel import col

from data.models import Lot

log = logging.getLogger(__name__)
CHANNEL = "lot_events"
_TOUCHED, _PENDING = "touched_lots", "lot_events"
_PER_NOTIFY = 400  # "id:version," is under 20 bytes: 400 of them stay far below NOTIFY's 8,000


@dataclass(frozen=True)
class LotEvent:
    lot_id: int
    version: int


Sink = Callable[[list[LotEvent]], None]
_sinks: list[Sink] = []
_sinks_lock = threading.Lock()


def add_sink(sink: Sink) -> None:
    """Called with each committed batch of this process (from the committing thread)."""
    with _sinks_lock:
        if sink not in _sinks:
            _sinks.append(sink)


def remove_sink(sink: Sink) -> None:
    with _sinks_lock:
        if sink in _sinks:
            _sinks.remove(sink)


def touch_lots(session: SASession, lot_ids: Iterable[int]) -> None:
    """This transaction changes what these lots' boards show."""
    session.info.setdefault(_TOUCHED, set()).update(lot_ids)


def encode(events: Iterable[LotEvent]) -> str:
    return ",".join(f"{e.lot_id}:{e.version}" for e in events)


def decode(payload: str) -> list[LotEvent]:
    """The inverse of `encode`; anything malformed is skipped (a payload is never trusted blindly)."""
    found = []
    for part in payload.split(","):
        lot, _, version = part.partition(":")
        if lot.isdigit() and version.isdigit():
            found.append(LotEvent(int(lot), int(version)))
    return found


@event.listens_for(SASession, "before_commit")
def _announce_in_transaction(session: SASession) -> None:
    session.flush()  # flushed ORM changes note their lots (data/uow.py) before we read versions
    touched = session.info.pop(_TOUCHED, None)
    if not touched:
        return
    ids = sorted(touched)
    if session.get_bind().dialect.name == "postgresql" and len(ids) <= _PER_NOTIFY:
        payload = session.execute(_READ_AND_NOTIFY, {"ids": ids, "channel": CHANNEL}).scalar()  # one trip
        events = decode(payload or "")
    else:
        query = select(col(Lot.id), col(Lot.version)).where(col(Lot.id).in_(ids))
        events = [LotEvent(int(lot_id or 0), int(version)) for lot_id, version in session.execute(query)]
        if session.get_bind().dialect.name == "postgresql":
            for start in range(0, len(events), _PER_NOTIFY):
                session.execute(text("SELECT pg_notify(:channel, :payload)"),
                                {"channel": CHANNEL, "payload": encode(events[start:start + _PER_NOTIFY])})
    session.info[_PENDING] = events


# The bid path's commit pays one round trip for this, not two: read the versions and notify at once.
_READ_AND_NOTIFY = text(
    "WITH p AS (SELECT string_agg(id::text || ':' || version::text, ',') AS payload FROM lots "
    "WHERE id = ANY(CAST(:ids AS integer[]))) "
    "SELECT payload FROM p, LATERAL (SELECT pg_notify(:channel, payload)) AS sent WHERE payload IS NOT NULL")


@event.listens_for(SASession, "after_commit")
def _deliver_after_commit(session: SASession) -> None:
    events = session.info.pop(_PENDING, None)
    if events:
        publish_locally(events)


@event.listens_for(SASession, "after_rollback")
@event.listens_for(SASession, "after_soft_rollback")
def _forget_on_rollback(session: SASession, *_: Any) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_PENDING, None)


def publish_locally(events: list[LotEvent]) -> None:
    with _sinks_lock:
        sinks = list(_sinks)
    for sink in sinks:
        try:
            sink(events)
        except Exception:  # the commit stands; a watcher missing one event resyncs from the store
            log.exception("a board-event sink failed")
