"""A loop run as a daemon thread of this process, at most one per name: the embedded settlement loop
(domain/bidding/worker.py) and the mailer (ops/mailer.py), started and stopped by the app server's
lifespan (ops/app_server.py). Neutral and low, so both the domain and ops may use it."""

from __future__ import annotations

import threading
from collections.abc import Callable

Target = Callable[[threading.Event], None]  # runs until the event is set


class BackgroundLoop:
    """`start()` runs `target(stop)` in a thread unless one already runs (however often it is called);
    `stop()` sets the event and waits for the thread."""

    def __init__(self, name: str, target: Target) -> None:
        self.name = name
        self._target = target
        self._lock = threading.Lock()
        self._running: tuple[threading.Thread, threading.Event] | None = None

    def start(self) -> threading.Thread:
        with self._lock:
            if self._running is None or not self._running[0].is_alive():
                stop = threading.Event()
                thread = threading.Thread(target=self._target, args=(stop,), name=self.name, daemon=True)
                thread.start()
                self._running = (thread, stop)
            return self._running[0]

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            if self._running is not None:
                thread, stop = self._running
                stop.set()
                thread.join(timeout)
                self._running = None
