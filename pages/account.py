"""My account: profile, password, email notifications, and deleting the account."""

from zoneinfo import available_timezones

import streamlit as st

from domain.accounts import email_preferences as emails
from domain.accounts import users as accounts
from ui.feedback import reporting_errors
from ui.session import guard, sign_out
from ui.verification import verification_banner

actor = guard()
profile = accounts.profile_of(actor)
st.title("My account")
verification_banner(actor)
if st.button("Sign out", icon=":material/logout:", key="account_sign_out"):
    sign_out()
profile_tab, password_tab, email_tab, delete_tab = st.tabs(
    ["Profile", "Password", "Email notifications", "Delete account"])

with profile_tab, st.form("profile"):
    st.text_input("Email", value=actor.email, disabled=True)
    name = st.text_input("Name", value=profile["name"], key="profile_name", max_chars=100)
    phone = st.text_input("Phone", value=profile["phone"] or "", key="profile_phone", max_chars=20)
    city = st.text_input("City", value=profile["city"] or "", key="profile_city", max_chars=80)
    zones = sorted(available_timezones())
    zone = st.selectbox("Time zone", zones, index=zones.index(profile["timezone"]), key="profile_tz")
    if st.form_submit_button("Save profile", type="primary"):
        with reporting_errors():
            accounts.profile_update(actor, name=name, phone=phone, city=city, timezone=zone)
            st.success("Profile saved.")

with password_tab, st.form("password"):
    current = st.text_input("Current password", type="password", key="pw_current")
    new = st.text_input("New password", type="password", key="pw_new")
    if st.form_submit_button("Change password", type="primary"):
        with reporting_errors():
            accounts.password_change(actor, current=current, new=new)
            st.success("Password changed. Your other sessions were signed out.")

with email_tab, st.form("email_preferences"):
    choices = emails.email_preferences_of(actor)
    st.caption(f"Notices always appear in the app; tick those you also want emailed to {actor.email}.")
    if choices.reason:
        st.info(choices.reason, icon=":material/mail:")
    wanted = {str(topic): st.toggle(emails.LABELS[topic], value=on, key=f"email_{topic}",
                                    disabled=not choices.verified) for topic, on in choices.topics.items()}
    if st.form_submit_button("Save email choices", type="primary", disabled=not choices.verified,
                             key="email_save"):
        with reporting_errors():
            emails.email_preferences_update(actor, wanted)
            st.success("Email choices saved.")

with delete_tab, st.form("delete"):
    st.warning("Deleting your account erases your name, email and phone. Bids and sales that other "
               "people rely on stay on record under an anonymous placeholder. This cannot be undone.")
    password = st.text_input("Password", type="password", key="delete_password")
    sure = st.checkbox("I understand, delete my account", key="delete_confirm")
    if st.form_submit_button("Delete my account"):
        if not sure:
            st.error("Tick the box to confirm.")
        else:
            with reporting_errors():
                accounts.account_delete(actor, password=password)
                sign_out()
