"""This process's one subscription to board events committed by ANY process on the store.

- PostgreSQL: one thread holds one connection that LISTENs (data/events.py sends NOTIFY after each
  commit). When the connection drops, the thread reconnects and reports `lost`: events sent meanwhile
  are gone, so watchers must resync from the store. Every two seconds it also sweeps the change log for
  changes whose NOTIFY never came (`_Sweep`).
- SQLite: several Streamlit processes may share one file and there is no NOTIFY, so one thread per
  process reads the change log's new `lots` rows every 250 ms (an indexed primary-key range, usually
  empty) and publishes their current versions. Commits in this process arrive at once anyway through
  the in-process sink; the poll only adds what other processes committed.

Started on first use, never at server start (start-up must not need the store). A feed ends when the
process moves to another store (tests do): a late event from the old one would carry lot ids that mean
other lots in the new one, and its hub would take them as heard already.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import psycopg
from sqlalchemy import Connection, Engine, text

from data.db import get_engine, serves
from data.events import CHANNEL, Event, LotEvent, UserEvent, add_sink, decode
from data.settings import get_settings

log = logging.getLogger(__name__)
POLL_SECONDS = 0.25
SWEEP_SECONDS = 2.0  # PostgreSQL: how often the listener sweeps the change log (`_Sweep`)
_started: dict[str, threading.Thread] = {}
_start_lock = threading.Lock()


def start_feed(on_events: Callable[[list[Event]], None], on_lost: Callable[[], None]) -> None:
    """Deliver every committed board event of every process to `on_events` (idempotent per process)."""
    add_sink(on_events)
    engine = get_engine()
    with _start_lock:
        key = engine.url.render_as_string(hide_password=True)
        if key in _started and _started[key].is_alive():
            return
        target = _listen if engine.dialect.name == "postgresql" else _poll
        thread = threading.Thread(target=target, args=(engine, on_events, on_lost), name="board-events",
                                  daemon=True)
        _started[key] = thread
        thread.start()


def _listen(engine: Engine, on_events: Callable[[list[Event]], None], on_lost: Callable[[], None]) -> None:
    url, sweep = listen_url(engine), _Sweep()
    failures = 0
    while True:
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                failures = 0
                on_lost()  # whatever was committed before LISTEN took effect: resync from the store
                while serves(engine):  # else the process moved to another store: its lots are not these
                    for note in conn.notifies(timeout=SWEEP_SECONDS):
                        if not serves(engine):
                            return
                        on_events(decode(note.payload))
                    sweep(engine, on_events)
                return
        except Exception as error:  # the server restarted or the network broke: reconnect, then resync
            if not serves(engine):
                return  # and not to a store the process has left (a test's, dropped)
            failures += 1
            # The first failure in a row with its traceback, later ones in a line: a store that stays
            # away (or a dropped database) must not flood the log; retries back off to 30 s.
            log.warning("board-event listener lost its connection (%s); reconnecting", error,
                        exc_info=failures == 1)
            time.sleep(min(30.0, 0.5 * 2 ** min(failures, 6)))


_NEW_LOT_CHANGES = text("SELECT DISTINCT l.id, l.version FROM change_log c JOIN lots l ON l.id = c.entity_id "
                        "WHERE c.id > :cursor AND c.id <= :top AND c.entity = 'lots'")
_NEW_NOTIFIED = text("SELECT DISTINCT user_id FROM notifications WHERE id > :cursor AND id <= :top")
_LAST_CHANGE = text("SELECT (SELECT coalesce(max(id), 0) FROM change_log), "
                    "(SELECT coalesce(max(id), 0) FROM notifications)")


def listen_url(engine: Engine) -> str:
    """Where to LISTEN: DATABASE_LISTEN_URL (straight to the server, past a transaction pooler), else
    the store's own URL."""
    direct = get_settings().database_listen_url
    return direct or engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _poll(engine: Engine, on_events: Callable[[list[Event]], None], _on_lost: Callable[[], None]) -> None:
    cursors: tuple[int, int] | None = None
    while serves(engine):  # until the process moves to another store: its lot ids are not these
        try:
            with engine.connect() as conn:
                tops = tuple(int(top) for top in conn.execute(_LAST_CHANGE).one())
                events = [] if cursors is None else _new_since(conn, cursors, (tops[0], tops[1]))
            cursors = (tops[0], tops[1])  # below them at start, or an emptied store: from its end
            if events and serves(engine):
                on_events(events)
        except Exception:
            log.warning("board-event poll failed; retrying", exc_info=True)
        time.sleep(POLL_SECONDS)


class _Sweep:
    """The listener's safety net. NOTIFY follows each commit (data/events.py), so a process that dies in
    between leaves a change no event announced. Every SWEEP_SECONDS the listener reads the lots of the
    change log's rows written between its last two sweeps (at least one sweep old: their transactions,
    milliseconds long, have committed) and publishes their versions; those it heard of already change
    nothing (the hub keeps the newest version per lot). Lots only: a lost alert's notification is still
    in the user's list, where their next page shows it."""

    def __init__(self) -> None:
        self._older: int | None = None  # the change log's top at the sweep before last, and at the last
        self._newer: int | None = None

    def __call__(self, engine: Engine, on_events: Callable[[list[Event]], None]) -> None:
        with engine.connect() as conn:
            top = int(conn.execute(_LAST_CHANGE).one()[0])
            older, newer = self._older, self._newer
            events = [] if older is None or newer is None else _lot_changes(conn, older, newer)
        self._older, self._newer = newer, top
        if events and serves(engine):
            on_events(events)


def _lot_changes(conn: Connection, after: int, upto: int) -> list[Event]:
    if upto <= after:
        return []
    rows = conn.execute(_NEW_LOT_CHANGES, {"cursor": after, "top": upto}).all()
    return [LotEvent(int(lot), int(version)) for lot, version in rows]


def _new_since(conn: Connection, cursors: tuple[int, int], tops: tuple[int, int]) -> list[Event]:
    events = _lot_changes(conn, cursors[0], tops[0])
    if tops[1] > cursors[1]:
        users = conn.execute(_NEW_NOTIFIED, {"cursor": cursors[1], "top": tops[1]}).scalars()
        events += [UserEvent(int(user)) for user in users]
    return events
