"""The banner an account sees until its email address is verified, with a button for a new link."""

import streamlit as st

from domain.accounts.email_verification import email_verified, verification_resend
from domain.permissions import Actor
from ui.feedback import reporting_errors


def verification_banner(actor: Actor) -> None:
    if email_verified(actor):
        return
    with st.container(border=True):
        st.warning(f"Please confirm your email address ({actor.email}): follow the link we emailed you. "
                   "You can bid meanwhile; selling needs a confirmed address.", icon=":material/mail:")
        if st.button("Email me a new link", key="verify_resend", icon=":material/send:"):
            with reporting_errors():
                st.info(verification_resend(actor))
