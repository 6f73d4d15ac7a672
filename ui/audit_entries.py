"""Audit entries on a page: a summary table, then each change's before and after side by side."""

from __future__ import annotations

import streamlit as st

from domain.oversight.audit import AuditEntry, entity_page
from ui.format import local_time
from ui.nav import link


def show_entries(entries: list[AuditEntry], zone: str) -> None:
    if not entries:
        st.info("No audit entry matches these filters.")
        return
    st.dataframe([{"id": e.id, "when": local_time(e.at, zone), "actor": e.actor_email or _system(e),
                   "action": e.action, "entity": e.entity, "entity id": e.entity_id} for e in entries],
                 hide_index=True, width="stretch")
    for entry in entries:
        title = f"#{entry.id} · {entry.action} · {entry.entity} {entry.entity_id or ''}"
        with st.expander(f"{title} · {local_time(entry.at, zone)}"):
            _change(entry)


def _change(entry: AuditEntry) -> None:
    before, after = st.columns(2)
    before.markdown("**Before**")
    after.markdown("**After**")
    for column, record in ((before, entry.before), (after, entry.after)):
        if record is None:
            column.caption("Not recorded for this action.")
        else:
            column.json(record, expanded=True)
    _open_links(entry)


def _open_links(entry: AuditEntry) -> None:
    page = entity_page(entry.entity)
    if page is not None and entry.entity_id is not None:
        link(page, f"Open {entry.entity.rstrip('s')} #{entry.entity_id}", "open_in_new",
             query={"id": str(entry.entity_id)})
    if entry.entity == "users" and entry.entity_id is not None:
        link("pages/admin_audit.py", f"Everything user #{entry.entity_id} did", "manage_search",
             query={"actor": str(entry.entity_id)})


def _system(entry: AuditEntry) -> str:
    return "system" if entry.actor_id is None else f"user #{entry.actor_id}"
