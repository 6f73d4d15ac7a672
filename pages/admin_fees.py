"""Admin: the platform's fees (the buyer's premium schedule, seller fees) and the bid increment ladder.

Every save is a new version, audited; sales already made keep the fees they were booked with."""

from decimal import Decimal, InvalidOperation

import streamlit as st

from domain.accounts.dealers import dealer_list
from domain.bidding.fee_schedule import fee_history, fee_overview, premium_schedule_set, seller_fee_set
from domain.bidding.ladder import ladder_current, ladder_update
from domain.errors import DomainError
from domain.permissions import Action
from domain.types import DealerStatus, FeeKind
from ui.feedback import reporting_errors
from ui.fees import history_table, schedule_editor, schedule_table, schedule_text
from ui.format import local_time
from ui.session import guard

actor = guard(Action.SET_FEES)
zone = actor.timezone
st.title("Fees and increments")
overview = fee_overview(actor)
premium_tab, seller_tab, ladder_tab = st.tabs(["Buyer's premium", "Seller fees", "Bid increments"])

with premium_tab:
    st.caption("The buyer pays the hammer plus this premium. The band holding the hammer prices all of "
               "it: flat + percent of the hammer, rounded to the paisa, held between the band's minimum and "
               "maximum.")
    st.subheader(f"In force now (version {overview.buyer_premium.version or 'built-in'})")
    schedule_table(overview.buyer_premium)
    if overview.buyer_premium_next is not None:
        st.info(f"From {local_time(overview.buyer_premium_next.effective_from, zone)}: "
                f"{schedule_text(overview.buyer_premium_next)}")
    st.subheader("Set a new schedule")
    schedule_editor("premium", overview.buyer_premium, zone, lambda bands, start, note: premium_schedule_set(
        actor, bands, effective_from=start, note=note))
    st.subheader("History")
    history_table(fee_history(actor, FeeKind.BUYER_PREMIUM), zone)

with seller_tab:
    st.caption("Dealers pay the seller fee out of the hammer: a flat amount per car (tiered by price, as "
               "Copart and ACV charge) and/or a percent. A dealer with no fee of their own pays the default.")
    st.subheader(f"Platform default: {schedule_text(overview.seller_fee_default)}")
    schedule_editor("seller_default", overview.seller_fee_default, zone,
                    lambda bands, start, note: seller_fee_set(actor, bands, effective_from=start, note=note))
    history_table(fee_history(actor, FeeKind.SELLER_FEE), zone)
    st.subheader("One dealer's fee")
    stores: dict[int, str] = {dealer.id or 0: f"{dealer.store_name} (#{dealer.id}, {email})" for dealer, email
                              in dealer_list(actor, status=DealerStatus.VERIFIED, limit=500)[0]}
    dealer_id = st.selectbox("Dealer", list(stores), format_func=lambda key: stores[key], key="fee_dealer")
    if dealer_id is not None:
        theirs = fee_overview(actor, dealer_id=dealer_id)
        fee = theirs.dealer_seller_fee or overview.seller_fee_default
        st.markdown(f"Pays **{schedule_text(fee)}** "
                    + ("(their own fee)" if theirs.dealer_has_own_fee else "(the platform default)"))
        schedule_editor(f"seller_{dealer_id}", fee, zone, lambda bands, start, note: seller_fee_set(
            actor, bands, dealer_id=dealer_id, effective_from=start, note=note))
        if theirs.dealer_has_own_fee and st.button("Put back on the platform default", key="fee_default"):
            with reporting_errors():
                seller_fee_set(actor, None, dealer_id=dealer_id, note="Back on the platform default.")
                st.rerun()
        history_table(fee_history(actor, FeeKind.SELLER_FEE, dealer_id=dealer_id), zone)

with ladder_tab:
    st.caption("From each price upwards, a new bid must beat the current price by at least the step. "
               "New bids follow a change at once; prices already reached stay.")
    rows = [{"from price": int(low), "step": int(step)} for low, step in ladder_current().bands]
    edited = st.data_editor(rows, num_rows="dynamic", key="ladder", hide_index=True)
    if st.button("Save ladder", type="primary", key="ladder_save"):
        with reporting_errors():
            try:
                bands = [(Decimal(str(row["from price"])), Decimal(str(row["step"]))) for row in edited
                         if row.get("from price") is not None]
            except (InvalidOperation, KeyError):
                raise DomainError("Every row needs a price and a step, both numbers.") from None
            ladder_update(actor, bands)
            st.success("Ladder saved.")
