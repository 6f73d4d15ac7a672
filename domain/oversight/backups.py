"""Whether the store is safely backed up, for the admins' platform page (data/backup_status.py measures,
below the domain; ops/ writes the backups and their status)."""

from __future__ import annotations

from data.backup_status import ALERT_AFTER_S, BackupHealth, backup_health
from data.db import get_engine
from domain.permissions import Action, Actor, require

__all__ = ["ALERT_AFTER_S", "BackupHealth", "platform_backup_health"]


def platform_backup_health(actor: Actor) -> BackupHealth:
    """The last good backup's age and the WAL archive's lag (an alert fires past 15 minutes)."""
    require(actor, Action.VIEW_PLATFORM_METRICS)
    return backup_health(get_engine())
