"""Sign in. In demo mode the demo accounts for every role are listed below the form."""

import streamlit as st

from domain.accounts import auth
from ui.demo_accounts import demo_sign_ins
from ui.feedback import reporting_errors
from ui.nav import link
from ui.session import client_address, current_actor, sign_in

st.title("Sign in to AutoGavel")
st.caption("Used-car auctions from verified dealers, live bidding, transparent fees.")

if current_actor() is not None:
    st.switch_page("pages/home.py")

with st.form("login"):
    email = st.text_input("Email", key="login_email", max_chars=254)
    password = st.text_input("Password", type="password", key="login_password", max_chars=200)
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    with reporting_errors():
        sign_in(auth.user_login(email=email, password=password, address=client_address()))

link("pages/register.py", "New here? Create an account", "person_add")
link("pages/reset_password.py", "Forgot your password?", "lock_reset")

demo_accounts = demo_sign_ins()
if demo_accounts:
    st.divider()
    st.subheader("Demo accounts")
    st.caption("Demo mode is on: these accounts exist on this installation only.")
    st.table(demo_accounts)
