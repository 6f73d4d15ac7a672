"""The one background-loop helper (data/background.py) the settlement loop and the mailer share."""

from __future__ import annotations

import threading

from data.background import BackgroundLoop


def test_a_loop_runs_once_however_often_started_and_stops_on_request() -> None:
    rounds: list[int] = []

    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            rounds.append(1)
            stop.wait(0.01)

    loop = BackgroundLoop("test-loop", run)
    first = loop.start()
    assert loop.start() is first and first.name == "test-loop" and first.daemon
    loop.stop()
    assert not first.is_alive() and rounds
    again = loop.start()  # a stopped loop starts afresh
    assert again is not first and again.is_alive()
    loop.stop()
    assert not again.is_alive()
