"""Forgotten password: ask for a reset link by email; the link opens this page with its token, where
a new password is set (once). Reachable signed out."""

import streamlit as st

from domain.accounts.password_reset import password_reset_confirm, password_reset_request
from domain.accounts.validation import PASSWORD_MIN
from ui.feedback import reporting_errors
from ui.nav import link

st.title("Reset your password")
token = st.query_params.get("token", "")

if not token:
    st.caption("Enter the email address of your account: we send a link to choose a new password.")
    with st.form("reset_request"):
        email = st.text_input("Email", key="reset_email", max_chars=254)
        asked = st.form_submit_button("Email me a reset link", type="primary")
    if asked:
        with reporting_errors():
            st.success(password_reset_request(email))
else:
    with st.form("reset_confirm"):
        new = st.text_input("New password", type="password", key="reset_new", max_chars=200,
                            help=f"At least {PASSWORD_MIN} characters, with three of: lower-case, "
                                 "upper-case, digits, symbols (or 16+ characters).")
        repeat = st.text_input("Repeat new password", type="password", key="reset_repeat", max_chars=200)
        chosen = st.form_submit_button("Set new password", type="primary")
    if chosen and new != repeat:
        st.error("The two passwords differ; type the same password twice.")
    elif chosen:
        with reporting_errors():
            password_reset_confirm(token, new)
            st.query_params.clear()
            st.success("Your password is changed and every session signed out. Sign in with it now.")

link("pages/login.py", "Back to sign in", "login")
