"""Admin: the review queue, accounts flagged by a rule (retractions, a sign-in lockout, reports, with
the reports listed), to suspend or clear."""

import streamlit as st

from domain.oversight.reviews import review_resolve, reviews_open
from domain.permissions import Action
from ui.feedback import reporting_errors
from ui.format import local_time
from ui.reports import report_rows
from ui.session import guard

actor = guard(Action.MANAGE_USERS)
st.title("Review queue")
st.caption("Accounts flagged by the marketplace's rules. Suspending signs the account out everywhere; "
           "clearing closes the flag (a new one opens if the rule is crossed again).")
flagged = reviews_open(actor)
if not flagged:
    st.info("No account is waiting for review.")
for review in flagged:
    with st.container(border=True):
        st.markdown(f"**{review.name}** · {review.email} · {review.reason_label}")
        st.caption(f"{review.detail} · flagged {local_time(review.flagged_at, actor.timezone)}")
        if review.reports:
            st.dataframe(report_rows(review, actor.timezone), hide_index=True, width="stretch")
        note = st.text_input("Note (recorded in the audit log)", key=f"review_note_{review.id}",
                             max_chars=300)
        suspend, clear = st.columns(2)
        for column, suspending, label in ((suspend, True, "Suspend"), (clear, False, "Clear")):
            if column.button(label, key=f"review_{label.lower()}_{review.id}"):
                with reporting_errors():
                    review_resolve(actor, review.id, suspend=suspending, note=note)
                    st.rerun()
