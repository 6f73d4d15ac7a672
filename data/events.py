"""Board events: after a commit that changed lots, every process hears `{lot_id, version}`.

A unit of work notes the lots it touched (the change-log hook in `data/uow.py` does it for every
flush and `record_change`; the bid fast path, which writes its change-log rows in SQL, notes its lot
itself). Just before commit the touched lots' versions are read inside the transaction (the rows are
locked by our own writes, so these are the versions being committed), and:

- on PostgreSQL a `pg_notify` is sent in the same transaction: the server delivers it to every
  listener at commit and never on rollback, in commit order;
- in this process the events go to the local sinks after commit (on rollback they are dropped).

The bid's write on PostgreSQL sends its own NOTIFY from inside its statement (data/bid_store.py) and
says so with `announced`: at commit those events are only delivered locally.

Payloads are ids and versions only ("12:40,13:7,u5"): NOTIFY caps a payload at 8,000 bytes and a board
is always read from the store, never from the event. "u5" says user 5 got a notification in this
transaction (`touch_users`, noted by `domain/notifications.notify`): their own stream reads it from the
store, authorised by their session; the event itself names no one's alert.
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
_TOUCHED, _USERS, _PENDING = "touched_lots", "touched_users", "lot_events"
_ANNOUNCED = "lot_events_sent"
_PER_NOTIFY = 400  # "id:version," is under 20 bytes: 400 of them stay far below NOTIFY's 8,000


@dataclass(frozen=True)
class LotEvent:
    lot_id: int
    version: int


@dataclass(frozen=True)
class UserEvent:
    """This user has a new notification (read it from the store, as them)."""

    user_id: int


Event = LotEvent | UserEvent
Sink = Callable[[list[Event]], None]
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


def touch_users(session: SASession, user_ids: Iterable[int]) -> None:
    """This transaction writes notifications for these users."""
    session.info.setdefault(_USERS, set()).update(user_ids)


def encode(events: Iterable[Event]) -> str:
    return ",".join(f"{e.lot_id}:{e.version}" if isinstance(e, LotEvent) else f"u{e.user_id}" for e in events)


def decode(payload: str) -> list[Event]:
    """The inverse of `encode`; anything malformed is skipped (a payload is never trusted blindly)."""
    found: list[Event] = []
    for part in payload.split(","):
        lot, _, version = part.partition(":")
        if lot.isdigit() and version.isdigit():
            found.append(LotEvent(int(lot), int(version)))
        elif part[:1] == "u" and part[1:].isdigit():
            found.append(UserEvent(int(part[1:])))
    return found


def lot_events(events: Iterable[Event]) -> list[LotEvent]:
    return [e for e in events if isinstance(e, LotEvent)]


def announced(session: SASession, events: list[Event]) -> None:
    """These events went out with one of the transaction's own statements (the bid's write sends its
    NOTIFY itself, a round trip fewer under the lot's lock): at commit they are delivered in this
    process, not read or sent again. Called after the transaction's last change of those lots."""
    session.info.setdefault(_ANNOUNCED, []).extend(events)


@event.listens_for(SASession, "before_commit")
def _announce_in_transaction(session: SASession) -> None:
    session.flush()  # flushed ORM changes note their lots (data/uow.py) before we read versions
    sent: list[Event] = session.info.pop(_ANNOUNCED, None) or []
    ids = sorted(set(session.info.pop(_TOUCHED, None) or ()) - {e.lot_id for e in lot_events(sent)})
    users = [UserEvent(user) for user in sorted(session.info.pop(_USERS, None) or ())
             if UserEvent(user) not in sent]
    if not ids and not users:
        session.info[_PENDING] = sent
        return
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres and len(ids) + len(users) <= _PER_NOTIFY:
        payload = session.execute(_READ_AND_NOTIFY, {"ids": ids, "users": encode(users),
                                                     "channel": CHANNEL}).scalar()  # one trip
        session.info[_PENDING] = [*sent, *decode(payload or "")]
        return
    query = select(col(Lot.id), col(Lot.version)).where(col(Lot.id).in_(ids))
    rows = session.execute(query)
    events: list[Event] = [*(LotEvent(int(lot_id or 0), int(version)) for lot_id, version in rows), *users]
    if postgres:
        for start in range(0, len(events), _PER_NOTIFY):
            session.execute(text("SELECT pg_notify(:channel, :payload)"),
                            {"channel": CHANNEL, "payload": encode(events[start:start + _PER_NOTIFY])})
    session.info[_PENDING] = [*sent, *events]


# The bid path's commit pays one round trip for this, not two: read the versions and notify at once.
_READ_AND_NOTIFY = text(
    "WITH p AS (SELECT concat_ws(',', (SELECT string_agg(id::text || ':' || version::text, ',') FROM lots "
    "WHERE id = ANY(CAST(:ids AS integer[]))), NULLIF(:users, '')) AS payload) "
    "SELECT payload FROM p, LATERAL (SELECT pg_notify(:channel, payload)) AS sent WHERE payload <> ''")


@event.listens_for(SASession, "after_commit")
def _deliver_after_commit(session: SASession) -> None:
    events = session.info.pop(_PENDING, None)
    if events:
        publish_locally(events)


@event.listens_for(SASession, "after_rollback")
@event.listens_for(SASession, "after_soft_rollback")
def _forget_on_rollback(session: SASession, *_: Any) -> None:
    for key in (_TOUCHED, _USERS, _PENDING, _ANNOUNCED):
        session.info.pop(key, None)


def publish_locally(events: list[Event]) -> None:
    with _sinks_lock:
        sinks = list(_sinks)
    for sink in sinks:
        try:
            sink(events)
        except Exception:  # the commit stands; a watcher missing one event resyncs from the store
            log.exception("a board-event sink failed")
