"""The backup panel of the platform page: two figures, and an error an admin cannot miss past 15 minutes."""

from __future__ import annotations

import streamlit as st

from domain.oversight.backups import ALERT_AFTER_S, BackupHealth


def age(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def backup_panel(health: BackupHealth) -> None:
    last, lag = health.backup_age_s, health.archive_lag_s
    cols = st.columns(2)
    cols[0].metric("Last good backup", "never" if last is None else f"{age(last)} ago")
    cols[1].metric("WAL archive lag", "archiving off" if lag is None else age(lag))
    if health.alerting:
        st.error(f"Backups are behind (the archive over {ALERT_AFTER_S // 60} minutes behind, a scheduled "
                 "backup missed, or none yet): committed bids are at risk. Run `python -m ops.backup list` "
                 "on the database host (docs/OPERATIONS.md).")
