"""Admin: find users, change their roles, suspend or reinstate them (FR5)."""

import streamlit as st

from domain.oversight import admin
from domain.permissions import Action
from domain.types import Role, UserStatus
from ui.feedback import reporting_errors
from ui.format import local_time
from ui.session import guard

PAGE_SIZE = 25

actor = guard(Action.MANAGE_USERS)
st.title("Users")

search, role_col, status_col = st.columns([3, 1, 1])
text = search.text_input("Search by email or name", key="user_search", max_chars=100)
role = role_col.selectbox("Role", [None, *Role], format_func=lambda r: r or "any", key="user_role")
status = status_col.selectbox("Status", [None, *UserStatus], format_func=lambda s: s or "any",
                              key="user_status")
page = st.number_input("Page", min_value=1, value=1, step=1, key="user_page")
rows, total = admin.user_search(actor, text=text, role=role, status=status, limit=PAGE_SIZE,
                                offset=(int(page) - 1) * PAGE_SIZE)
st.caption(f"{total} users match")
st.dataframe(
    [{"id": r.id, "email": r.email, "name": r.name, "status": r.status,
      "roles": ", ".join(sorted(r.roles)), "joined": local_time(r.created_at, actor.timezone)}
     for r in rows],
    hide_index=True, width="stretch",
)

st.subheader("Change a user")
choices = {f"{r.email} (#{r.id})": r for r in rows}
picked = st.selectbox("User", list(choices), key="user_pick")
if picked:
    target = choices[picked]
    with st.form("roles"):
        new_roles = st.multiselect("Roles", list(Role), default=sorted(target.roles), key="user_roles")
        if st.form_submit_button("Save roles"):
            with reporting_errors():
                admin.user_set_roles(actor, target.id, set(new_roles))
                st.success("Roles saved.")
    with st.form("status"):
        reason = st.text_input("Reason (recorded in the audit log)", key="status_reason")
        action = UserStatus.ACTIVE if target.status == UserStatus.SUSPENDED else UserStatus.SUSPENDED
        label = "Reinstate" if action == UserStatus.ACTIVE else "Suspend"
        if st.form_submit_button(label):
            with reporting_errors():
                admin.user_set_status(actor, target.id, status=action, reason=reason)
                st.success(f"{label}d {target.email}.")
