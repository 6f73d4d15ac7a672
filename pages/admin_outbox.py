"""Admin: the email outbox, what was queued and whether it was delivered. In demo mode without a mail
server the messages themselves are shown, so reset and verification links can still be followed."""

import streamlit as st

from domain.accounts.email_verification import outbox_read
from domain.permissions import Action
from ui.format import local_time
from ui.session import guard

actor = guard(Action.MANAGE_USERS)
st.title("Email outbox")
messages = outbox_read(actor)
if not messages:
    st.info("No email has been queued yet.")
elif messages[0].body is None:
    st.caption("Delivered by `python -m ops.mailer` over SMTP; message bodies hold sign-in links and "
               "are not shown.")
else:
    st.caption("Demo mode without SMTP_HOST: nothing is sent, so the messages are shown here.")
for message in messages:
    with st.container(border=True):
        st.markdown(f"**{message.subject}** → {message.to}")
        st.caption(f"{message.kind} · {message.status} · {message.attempts} attempt(s) · queued "
                   f"{local_time(message.created_at, actor.timezone)}"
                   + (f" · last error: {message.last_error}" if message.last_error else ""))
        if message.body is not None:
            st.code(message.body, language=None, wrap_lines=True)
