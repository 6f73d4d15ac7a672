"""My store (FR22): the dealer edits the store details buyers see."""

import streamlit as st

from domain.accounts import dealers
from domain.bidding.fee_schedule import fee_overview
from domain.permissions import Action
from ui.feedback import reporting_errors
from ui.fees import schedule_table, schedule_text
from ui.session import guard

actor = guard(Action.MANAGE_OWN_STORE)
st.title("My store")
store = dealers.dealer_of(actor)
if store is None or actor.dealer_id is None:
    st.info("You have no store yet.")
    st.stop()

fees = fee_overview(actor)
my_fee = fees.dealer_seller_fee or fees.seller_fee_default
st.caption(f"Status: **{store.status}** · your seller fee: {schedule_text(my_fee)} (set by the platform; "
           "a sale keeps the fee in force at its hammer)")
with st.expander("The buyer's premium your buyers pay on top of the hammer"):
    schedule_table(fees.buyer_premium)
with st.form("store"):
    name = st.text_input("Store name", value=store.store_name, key="store_name")
    address = st.text_area("Address", value=store.address, key="store_address")
    city = st.text_input("City", value=store.city, key="store_city")
    postal = st.text_input("Postal code", value=store.postal_code, key="store_postal")
    phone = st.text_input("Phone", value=store.phone or "", key="store_phone")
    if st.form_submit_button("Save", type="primary"):
        with reporting_errors():
            dealers.store_update(actor, actor.dealer_id, store_name=name, address=address, city=city,
                                 postal_code=postal, phone=phone)
            st.success("Store details saved.")
