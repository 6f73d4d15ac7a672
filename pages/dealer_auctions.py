"""My auctions (FR11, FR13, FR14): create a draft with lots, publish, cancel before the start, delete
drafts. Times are entered in the dealer's time zone and stored in UTC."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import streamlit as st

from domain import auctions
from domain.auction_queries import auctions_of_dealer, cars_ready_for_auction
from domain.auction_rules import AuctionSpec, lots_from_rows
from domain.lifecycle import Phase
from domain.permissions import Action
from ui.auction_cards import auction_card
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
    with st.form("auction_new"):
        title = st.text_input("Title", key="a_title", max_chars=150)
        description = st.text_area("Description", key="a_description", max_chars=5000)
        day = st.date_input("Start date", value=datetime.now(zone).date() + timedelta(days=1), key="a_day")
        start = st.time_input("Start time", value=time(10, 0), key="a_time")
        hours = st.number_input("First lot closes after (hours)", 0.25, 720.0, 2.0, 0.25, key="a_hours")
        interval = st.number_input("Seconds between lot closings", 0, 600, 60, key="a_interval")
        window = st.number_input("Closing window (minutes)", 0, 10, 2, key="a_window")
        extension = st.number_input("Extension per late bid (minutes)", 1, 10, 2, key="a_extension")
        cap = st.number_input("Latest end, hours after the first lot closes (0: no limit)", 0.0, 72.0, 0.0,
                              0.5, key="a_latest")
        premium = st.number_input("Buyer's premium (%)", 0.0, 20.0, 5.0, 0.5, key="a_premium")
        default_start = st.number_input("Starting price for lots left blank below", 0, None, 0, 1000,
                                        key="a_default_start")
        prices = st.data_editor(
            [{"car_id": car_id, "car": ready[car_id], "starting_price": None, "reserve_price": None,
              "buy_now_price": None} for car_id in picked],
            disabled=["car_id", "car"], key="a_prices", hide_index=True)
        if st.form_submit_button("Save draft", type="primary"):
            with reporting_errors():
                starts = datetime.combine(day, start, tzinfo=zone)
                first_close = starts + timedelta(hours=float(hours))
                spec = AuctionSpec(title=title, description=description, starts_at=starts,
                                   ends_at=first_close,
                                   lots=lots_from_rows(prices, default_start=default_start or None),
                                   lot_interval_s=int(interval), soft_close_window_s=int(window) * 60,
                                   soft_close_extension_s=int(extension) * 60,
                                   buyer_premium_pct=Decimal(str(premium)),
                                   latest_end_at=first_close + timedelta(hours=float(cap)) if cap else None)
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
