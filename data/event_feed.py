"""This process's one subscription to board events committed by ANY process on the store.

- PostgreSQL: one thread holds one connection that LISTENs (data/events.py sends NOTIFY in the
  committing transaction). When the connection drops, the thread reconnects and reports `lost`:
  events sent meanwhile are gone, so watchers must resync from the store.
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
    url = listen_url(engine)
    failures = 0
    while True:
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                failures = 0
                on_lost()  # whatever was committed before LISTEN took effect: resync from the store
                for note in conn.notifies():
                    if not serves(engine):
                        return  # the process moved to another store: its lots are not these
                    on_events(decode(note.payload))
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


def _new_since(conn: Connection, cursors: tuple[int, int], tops: tuple[int, int]) -> list[Event]:
    events: list[Event] = []
    if tops[0] > cursors[0]:
        rows = conn.execute(_NEW_LOT_CHANGES, {"cursor": cursors[0], "top": tops[0]}).all()
        events += [LotEvent(int(lot), int(version)) for lot, version in rows]
    if tops[1] > cursors[1]:
        users = conn.execute(_NEW_NOTIFIED, {"cursor": cursors[1], "top": tops[1]}).scalars()
        events += [UserEvent(int(user)) for user in users]
    return events
