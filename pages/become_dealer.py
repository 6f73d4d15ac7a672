"""Become a dealer (FR21): apply with store details; an admin verifies before you can list cars."""

import streamlit as st

from domain.accounts import dealers
from domain.permissions import Action
from domain.types import DealerStatus
from ui.feedback import reporting_errors
from ui.format import md_escape
from ui.session import guard

actor = guard(Action.APPLY_AS_DEALER)
st.title("Become a dealer")
store = dealers.dealer_of(actor)

if store is not None and store.status != DealerStatus.REJECTED:
    store_name = md_escape(store.store_name)
    messages = {
        DealerStatus.PENDING: f"Your store **{store_name}** is waiting for an admin to verify it.",
        DealerStatus.VERIFIED: f"Your store **{store_name}** is verified. You can list cars.",
        DealerStatus.SUSPENDED: f"Your store is suspended: {md_escape(store.review_note or '')}",
        DealerStatus.CLOSED: "Your store is closed.",
    }
    st.info(messages[DealerStatus(store.status)])
    st.stop()

if store is not None:
    note = md_escape(store.review_note or "")
    st.warning(f"Your last application was not approved: {note}. You can apply again.")
st.write("Sell on AutoGavel: list cars, upload your inventory from Excel, and run auctions. "
         "Tell us about your store; an admin checks it, usually within a working day.")
with st.form("apply"):
    previous = dealers.store_snapshot(store) if store else {}
    name = st.text_input("Store name", value=previous.get("store_name", ""), key="store_name")
    address = st.text_area("Address", value=previous.get("address", ""), key="store_address")
    city = st.text_input("City", value=previous.get("city", ""), key="store_city")
    postal = st.text_input("Postal code", value=previous.get("postal_code", ""), key="store_postal")
    phone = st.text_input("Store phone", key="store_phone")
    if st.form_submit_button("Apply", type="primary"):
        with reporting_errors():
            dealers.dealer_apply(actor, store_name=name, address=address, city=city,
                                 postal_code=postal, phone=phone)
            st.success("Application sent. We will let you know once an admin has reviewed it.")
