"""Admin: the bid increment ladder (price bands and their minimum raise)."""

from decimal import Decimal, InvalidOperation

import streamlit as st

from domain.bidding.ladder import ladder_current, ladder_update
from domain.errors import DomainError
from domain.permissions import Action
from ui.feedback import reporting_errors
from ui.session import guard

actor = guard(Action.EDIT_INCREMENTS)
st.title("Bid increments")
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
