"""Which PostgreSQL backup is due: full weekly, differential daily, incremental in between (by default)."""

from __future__ import annotations

import time
from typing import Any

from data.backup_config import BackupConfig


def next_pg_backup(backups: list[dict[str, Any]], config: BackupConfig, now: float | None = None) -> str:
    """`backups` as pgBackRest's `info` lists them (oldest first, each with its type and stop time)."""
    now = time.time() if now is None else now
    full = _newest_stop(backups, {"full"})
    if full is None or now - full >= config.backup_full_every_h * 3600:
        return "full"
    diff = _newest_stop(backups, {"full", "diff"})
    if diff is None or now - diff >= config.backup_diff_every_h * 3600:
        return "diff"
    return "incr"


def _newest_stop(backups: list[dict[str, Any]], kinds: set[str]) -> float | None:
    stops = [float(b["timestamp"]["stop"]) for b in backups if b.get("type") in kinds]
    return max(stops, default=None)
