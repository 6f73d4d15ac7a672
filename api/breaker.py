"""When the store stops answering, answer 503 at once for a moment instead of queueing every request
behind connection timeouts; the first request after the pause tries the store again (recovery is
automatic). Per process: each worker finds out for itself."""

from __future__ import annotations

import time

from api.settings import get_api_settings

_open_until = 0.0


def trip() -> None:
    global _open_until  # noqa: PLW0603 — one flag per process, by design
    _open_until = time.monotonic() + get_api_settings().store_retry_seconds


def reset() -> None:
    global _open_until  # noqa: PLW0603
    _open_until = 0.0


def is_open() -> bool:
    return time.monotonic() < _open_until
