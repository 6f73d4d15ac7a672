"""The emailed verification link lands here (signed in or not) and confirms the address."""

import streamlit as st

from domain.accounts.email_verification import email_verify
from ui.feedback import reporting_errors
from ui.nav import link

st.title("Confirm your email address")
token = st.query_params.get("token", "")
if not token:
    st.info("Open the link from the email we sent you. Signed in, you can ask for a new one on "
            "your account page.")
else:
    with reporting_errors():
        st.success(f"Thank you: {email_verify(token)} is verified.")
link("pages/login.py", "Sign in", "login")
