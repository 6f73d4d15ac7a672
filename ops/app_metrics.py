"""Prometheus metrics of a Streamlit app process, served on its own port (METRICS_PORT, set per
process by the stack): reruns and their time, live sessions, and the store pool's use.

Streamlit has no hook around a script run, so the timing wraps `ScriptRunner._run_script` (the whole
run, the post-run garbage collection included: what a visitor waits for). Checked against 1.67.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from ops.metrics import watch_pool

RERUNS = Counter("app_reruns_total", "Script runs (page loads, widget changes, fragment ticks)")
RERUN_SECONDS = Histogram("app_rerun_seconds", "Time of one script run, post-run collection included",
                          buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10))
SESSIONS = Gauge("app_sessions", "Browser sessions connected to this process")

_installed = threading.Lock()
_done = False


def serve_app_metrics(port: int) -> None:
    """Once per process: time script runs, count sessions, and serve /metrics on `port`."""
    global _done  # noqa: PLW0603 — instrumentation is process-wide by nature
    with _installed:
        if _done:
            return
        _time_script_runs()
        SESSIONS.set_function(_session_count)
        watch_pool()
        start_http_server(port, addr="127.0.0.1")
        _done = True


def _time_script_runs() -> None:
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    original = ScriptRunner._run_script

    def timed(self: Any, rerun_data: Any) -> None:
        started = time.perf_counter()
        try:
            original(self, rerun_data)
        finally:
            RERUNS.inc()
            RERUN_SECONDS.observe(time.perf_counter() - started)

    ScriptRunner._run_script = timed  # type: ignore[method-assign]


def _session_count() -> float:
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return 0.0
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    return float(manager.num_active_sessions()) if manager is not None else 0.0
