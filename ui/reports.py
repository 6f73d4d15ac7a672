"""Reports: the lot page's form (the listing, its seller, or a bidder by the lot's pseudonym) and the
review queue's list of the reports behind a flag."""

from __future__ import annotations

import streamlit as st

from domain.bidding.board import LotBoard, handle
from domain.oversight.reports import NOTE_MAX, REASON_LABELS, ReportAbout, ReportReason, report_file
from domain.oversight.reviews import ReviewView
from domain.permissions import Actor
from ui.feedback import reporting_errors
from ui.format import local_time

ABOUT_LABELS = {ReportAbout.LISTING: "This listing", ReportAbout.SELLER: "The seller",
                ReportAbout.BIDDER: "A bidder on this lot"}


def report_form(actor: Actor, board: LotBoard) -> None:
    """Small and folded away: most visitors never open it."""
    with st.expander("Report a problem", icon=":material/flag:"):
        st.caption("Admins review reported listings and accounts. Bidders are named by this lot's "
                   "pseudonyms only; nobody learns who reported them.")
        about = st.radio("What", list(ABOUT_LABELS), format_func=lambda a: ABOUT_LABELS[a],
                         key="report_about", horizontal=True)
        bidder = None
        if about == ReportAbout.BIDDER:
            bidder = st.selectbox("Bidder", _other_bidders(actor, board), key="report_bidder")
        reason = st.selectbox("Reason", list(REASON_LABELS), format_func=lambda r: REASON_LABELS[r],
                              key="report_reason")
        note = st.text_area("Note (optional)", key="report_note", max_chars=NOTE_MAX)
        if st.button("Send report", key="report_send"):
            with reporting_errors():
                report_file(actor, lot_id=board.lot_id, about=about, reason=reason, note=note, bidder=bidder)
                st.success("Thank you: your report was sent to the admins.")


def _other_bidders(actor: Actor, board: LotBoard) -> list[str]:
    """The pseudonyms in the lot's history, the viewer's own left out."""
    return sorted({handle(line.bidder, board.lot_id) for line in board.history if line.bidder != actor.id})


def report_rows(review: ReviewView, zone: str) -> list[dict[str, str]]:
    return [{"When": local_time(line.created_at, zone), "About": ABOUT_LABELS[ReportAbout(line.about)],
             "Lot": str(line.lot_id), "Reason": REASON_LABELS[ReportReason(line.reason)], "Note": line.note,
             "Reported by": line.reporter_email} for line in review.reports]
