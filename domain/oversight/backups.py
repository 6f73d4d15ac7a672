"""Whether the store is safely backed up, for the admins' platform page (ops/backup_status.py measures)."""

from __future__ import annotations

from data.db import get_engine
from domain.permissions import Action, Actor, require
from ops.backup_status import BackupHealth, backup_health


def platform_backup_health(actor: Actor) -> BackupHealth:
    """The last good backup's age and the WAL archive's lag (an alert fires past 15 minutes)."""
    require(actor, Action.VIEW_PLATFORM_METRICS)
    return backup_health(get_engine())
