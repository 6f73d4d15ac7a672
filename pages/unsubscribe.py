"""The unsubscribe link in a notice's email lands here (signed in or not): one click turns that kind of
email off. It asks for the click rather than acting on opening, because mail scanners open links."""

import streamlit as st

from domain.accounts.email_preferences import LABELS, TOPIC_NAMES, Topic, email_unsubscribe
from ui.feedback import reporting_errors
from ui.nav import link

st.title("Stop these emails")
topic, token = st.query_params.get("topic", ""), st.query_params.get("token", "")
if topic not in TOPIC_NAMES or not token:
    st.info("Open the link at the bottom of one of our emails, or change your email choices in My account.")
else:
    st.write(f"No more emails for “{LABELS[Topic(topic)]}”? Notices still appear in the app.")
    if st.button("Stop these emails", type="primary", key="unsubscribe"):
        with reporting_errors():
            st.success(email_unsubscribe(topic, token))
link("pages/account.py", "My account", "manage_accounts")
