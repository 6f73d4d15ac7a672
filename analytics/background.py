"""Keeping this process's copy fresh and loaded, off every page's path.

One daemon thread per app process: every second it refreshes the copy when it is older than
`STALE_AFTER_S` (a running worker usually already did: `refresh_once` then skips or finds little),
and loads or updates this process's in-memory copy. Pages only read what is already loaded
(`analytics.reader.without_loading`) and show its age; until the first load is done they say the
figures are being prepared. The app starts the thread with the server (`ui/http.py`); a page never
does (reading stays reading: a process without the thread, e.g. under AppTest, shows the copy it has).
"""

from __future__ import annotations

import logging
import threading

from analytics import reader
from analytics.copy import refresh
from data.types import utcnow

log = logging.getLogger("auction.analytics")

INTERVAL_S = 1.0
STALE_AFTER_S = 5.0

_guard = threading.Lock()
_thread: threading.Thread | None = None
_stop = threading.Event()


def start() -> None:
    """Start the refresher thread once per process (again after `stop`)."""
    global _thread  # noqa: PLW0603  # one thread per process is the point
    with _guard:
        if _thread is not None and _thread.is_alive():
            return
        _stop.clear()
        _thread = threading.Thread(target=_run, name="analytics-refresher", daemon=True)
        _thread.start()


def stop(timeout: float = 30.0) -> None:
    """Stop the thread after its current round (tests: nothing refreshes behind the next test)."""
    global _thread
    with _guard:
        thread, _thread = _thread, None
    _stop.set()
    if thread is not None:
        thread.join(timeout)


def round_once() -> None:
    """One round: refresh a stale copy (skipped if another process is at it), then load or sync it."""
    fresh = reader.freshness()
    if fresh is None or (utcnow() - fresh).total_seconds() > STALE_AFTER_S:
        refresh.refresh_once()
    reader.preload()


def _run() -> None:
    while not _stop.is_set():
        try:
            round_once()
        except Exception:  # a failed round costs freshness only; the next one tries again
            log.exception("analytics background refresh failed")
        _stop.wait(INTERVAL_S)
