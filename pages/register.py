"""Create an account. Every new account can bid; selling needs a verified dealer store."""

import streamlit as st

from domain.accounts import auth
from domain.accounts import users as accounts
from domain.accounts.validation import PASSWORD_MIN
from ui.feedback import reporting_errors
from ui.nav import link
from ui.session import client_address, current_actor, sign_in

st.title("Create your account")

if current_actor() is not None:
    st.switch_page("pages/home.py")

with st.form("register"):
    name = st.text_input("Full name", key="reg_name", max_chars=100)
    email = st.text_input("Email", key="reg_email", max_chars=254)
    password = st.text_input("Password", type="password", key="reg_password", max_chars=200,
                             help=f"At least {PASSWORD_MIN} characters, with three of: lower-case, "
                                  "upper-case, digits, symbols (or 16+ characters).")
    confirm = st.text_input("Repeat password", type="password", key="reg_confirm", max_chars=200)
    submitted = st.form_submit_button("Create account", type="primary")

if submitted:
    if password != confirm:
        st.error("The two passwords differ; type the same password twice.")
    else:
        with reporting_errors():
            # The browser's zone is a sensible start; the profile page changes it.
            address = client_address()
            actor = accounts.user_register(email=email, name=name, password=password,
                                           timezone=st.context.timezone, address=address)
            sign_in(auth.user_login(email=actor.email, password=password, address=address))

link("pages/login.py", "Already registered? Sign in", "login")
