"""Admin: the audit log, filtered by actor, entity, action and time; each change before and after."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import streamlit as st

from domain.oversight.audit import AuditFilters, audit_csv, audit_list
from domain.permissions import Action
from ui.audit_entries import show_entries
from ui.feedback import reporting_errors
from ui.session import guard

PAGE_SIZE = 50

actor = guard(Action.VIEW_AUDIT_LOG)
st.title("Audit log")
st.caption("Every change made in the marketplace, newest first. The log is append-only: "
           "the store itself refuses to change or delete an entry.")
asked = st.query_params
who, entity, action = st.columns(3)
actor_text = who.text_input("Actor (email or user id)", value=asked.get("actor", ""), key="audit_actor",
                            max_chars=200)
entity_text = entity.text_input("Entity (users, lots, cars, …)", value=asked.get("entity", ""),
                                key="audit_entity", max_chars=30)
action_text = action.text_input("Action (bid_place, lot_takedown, …)", key="audit_action", max_chars=40)
start, end, page_col = st.columns(3)
first_day = start.date_input("From", value=None, key="audit_from")
last_day = end.date_input("To (inclusive)", value=None, key="audit_to")
page = page_col.number_input("Page", min_value=1, value=1, step=1, key="audit_page")


def _moment(day: date | None, *, after: bool = False) -> datetime | None:
    """A day in the viewer's zone as an instant: its start, or (after) the next day's start."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=int(after)), time.min, ZoneInfo(actor.timezone))


raw_id = asked.get("entity_id", "")
filters = AuditFilters(actor=actor_text, entity=entity_text, action=action_text,
                       entity_id=int(raw_id) if raw_id.isdigit() else None,
                       since=_moment(first_day), until=_moment(last_day, after=True))
with reporting_errors():
    found = audit_list(actor, filters, limit=PAGE_SIZE, offset=(int(page) - 1) * PAGE_SIZE)
    if filters.entity_id is not None:
        st.caption(f"Showing only {filters.entity or 'records'} #{filters.entity_id}.")
    show_entries(found.entries, actor.timezone)
    st.caption(f"Page {int(page)}" + (" · more on the next page" if found.has_more else ""))
    if found.entries and st.button("Prepare CSV of the filtered entries", key="audit_prepare"):
        st.download_button("Download CSV", audit_csv(actor, filters), file_name="audit_log.csv",
                           mime="text/csv", key="audit_download", icon=":material/download:")
