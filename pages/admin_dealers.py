"""Admin: verify, reject, suspend or reinstate dealer stores (FR24)."""

import streamlit as st

from domain.accounts import dealers
from domain.permissions import Action
from domain.types import DealerStatus
from ui.feedback import reporting_errors
from ui.format import local_time, md_escape
from ui.session import guard

ACTIONS = {
    DealerStatus.PENDING: [("Verify", DealerStatus.VERIFIED), ("Reject", DealerStatus.REJECTED)],
    DealerStatus.VERIFIED: [("Suspend", DealerStatus.SUSPENDED)],
    DealerStatus.SUSPENDED: [("Reinstate", DealerStatus.VERIFIED)],
}

actor = guard(Action.REVIEW_DEALERS)
st.title("Dealer verification")
status = st.segmented_control("Show", list(DealerStatus), default=DealerStatus.PENDING,
                              key="dealer_filter")
stores, total = dealers.dealer_list(actor, status=status)
st.caption(f"{total} stores")
if not stores:
    st.info("Nothing to review here.")

for store, email in stores:
    with st.container(border=True):
        st.markdown(f"**{md_escape(store.store_name)}** — {md_escape(store.city)} "
                    f"{md_escape(store.postal_code)}  \n{md_escape(store.address)}  \n"
                    f"Owner: {md_escape(email)} · applied "
                    f"{local_time(store.created_at, actor.timezone)} · status **{store.status}**")
        if store.review_note:
            st.caption(f"Note: {md_escape(store.review_note)}")
        options = ACTIONS.get(DealerStatus(store.status), [])
        if not options:
            continue
        note = st.text_input("Note to the dealer (required to reject or suspend)",
                             key=f"note_{store.id}")
        for column, (label, target) in zip(st.columns(len(options)), options, strict=True):
            if column.button(label, key=f"{label.lower()}_{store.id}"):
                with reporting_errors():
                    dealers.dealer_review(actor, store.id or 0, to=target, note=note)
                    st.rerun()
