"""My auctions (FR11, FR13, FR14): create a draft with lots, publish, cancel before the start, delete
drafts. Times are entered in the dealer's time zone and stored in UTC."""

from zoneinfo import ZoneInfo

import streamlit as st

from domain.auctions import service as auctions
from domain.auctions.lifecycle import Phase
from domain.auctions.queries import auctions_of_dealer, cars_ready_for_auction
from domain.permissions import Action
from ui.auction_cards import auction_card
from ui.auction_form import auction_form
from ui.feedback import reporting_errors
from ui.session import guard

actor = guard(Action.MANAGE_OWN_STORE)
st.title("My auctions")
if actor.dealer_id is None or not actor.dealer_verified:
    st.info("Your store must be verified before you can run auctions.")
    st.stop()
zone = ZoneInfo(actor.timezone)
if flash := st.session_state.pop("auction_flash", None):
    st.success(flash)
mine = auctions_of_dealer(actor, actor.dealer_id)

with st.expander("Create an auction", expanded=not mine):
    ready = dict(cars_ready_for_auction(actor, actor.dealer_id))
    picked = st.multiselect("Cars to offer (one lot each)", list(ready), key="a_cars",
                            format_func=lambda car_id: ready[car_id])
    with reporting_errors():
        if spec := auction_form(ready, picked, zone):
            auctions.auction_create(actor, actor.dealer_id, spec)
            st.session_state["auction_flash"] = "Draft saved. Publish it when you are ready."
            st.rerun()  # the list below shows the new draft

for card in mine:
    auction_card(card, actor.timezone)
    if card.phase == Phase.DRAFT:
        left, right = st.columns(2)
        if left.button("Publish", key=f"publish_{card.id}", type="primary"):
            with reporting_errors():
                auctions.auction_publish(actor, card.id)
                st.rerun()
        if right.button("Delete draft", key=f"delete_{card.id}"):
            with reporting_errors():
                auctions.auction_delete(actor, card.id)
                st.rerun()
    elif card.phase == Phase.UPCOMING:
        reason = st.text_input("Reason to cancel (bidders see it)", key=f"reason_{card.id}")
        if st.button("Cancel auction", key=f"cancel_{card.id}"):
            with reporting_errors():
                auctions.auction_cancel(actor, card.id, reason=reason)
                st.rerun()
