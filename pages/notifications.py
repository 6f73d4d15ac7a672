"""Notifications: outbid, won, lost, reserve not met, watched lots ending soon."""

import streamlit as st

from domain.notifications import notifications_mark_read, notifications_of
from ui.format import local_time
from ui.nav import link
from ui.session import guard

actor = guard()
st.title("Notifications")
items = notifications_of(actor)
if not items:
    st.info("Nothing yet: bids, wins and watched lots will show up here.")
for item in items:
    with st.container(border=True):
        st.write(("" if item.read else "🔔 ") + item.message)
        st.caption(local_time(item.created_at, actor.timezone))
        if item.lot_id:
            link("pages/lot.py", "Open lot", "gavel", query={"id": str(item.lot_id)})
if any(not item.read for item in items) and st.button("Mark all as read", key="mark_read"):
    notifications_mark_read(actor)
    st.rerun()
