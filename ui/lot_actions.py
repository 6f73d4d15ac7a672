"""Less common actions on a lot page: retracting your own bid, an admin voiding one."""

from __future__ import annotations

import streamlit as st

from domain.auctions.lifecycle import Phase
from domain.bidding.board import LotBoard
from domain.bidding.retraction import RetractReason, bid_retract, bid_void
from domain.oversight.takedown import lot_takedown
from domain.permissions import Action, Actor, can
from ui.feedback import reporting_errors
from ui.format import local_time, money

REASONS = {RetractReason.MISTYPED: "I typed the wrong amount",
           RetractReason.LISTING_CHANGED: "The description or photos changed significantly after I bid",
           RetractReason.SELLER_UNREACHABLE: "I cannot reach the dealer"}


def own_bids(actor: Actor, board: LotBoard) -> None:
    mine = [line for line in board.history if line.bidder == actor.id and line.status == "active"]
    if not mine or not board.is_open:
        return
    with st.expander("Retract a bid"):
        st.caption("Bids are binding. You may retract only for one of the reasons below. With 12 hours or "
                   "more left, all your bids on this lot are retracted; later, only a bid placed within "
                   "the last hour, and only that one. Frequent retractions are reviewed by an admin.")
        choice = st.selectbox("Bid", mine, key="retract_pick",
                              format_func=lambda line: f"{local_time(line.placed_at, actor.timezone)}"
                                                       f" · price then {money(line.price_after)}")
        reason = st.radio("Reason", list(REASONS), format_func=lambda r: REASONS[r], key="retract_reason")
        note = st.text_input("Details (optional)", key="retract_note", max_chars=200)
        if st.button("Retract", key="retract_go") and choice is not None:
            with reporting_errors():
                bid_retract(actor, choice.bid_id, reason=reason, note=note)
                st.session_state[f"fresh_{board.lot_id}"] = True
                st.rerun()


def admin_void(actor: Actor, board: LotBoard) -> None:
    active = [line for line in board.history if line.status == "active"]
    if not can(actor, Action.VOID_BIDS) or not active or not board.is_open:
        return
    with st.expander("Void a bid (admin)"):
        choice = st.selectbox("Bid", active, key="void_pick",
                              format_func=lambda line: f"#{line.bid_id} · {money(line.price_after)}")
        reason = st.text_input("Reason (recorded and shown on the lot)", key="void_reason")
        if st.button("Void bid", key="void_go") and choice is not None:
            with reporting_errors():
                bid_void(actor, choice.bid_id, reason=reason)
                st.session_state[f"fresh_{board.lot_id}"] = True
                st.rerun()


def admin_takedown(actor: Actor, board: LotBoard) -> None:
    if not can(actor, Action.TAKE_DOWN_LISTINGS) or board.outcome is not None or \
            board.phase not in (Phase.UPCOMING, Phase.LIVE):
        return
    with st.expander("Take down this lot (admin)"):
        st.caption("Every bid on the lot is voided, the lot closes unsold, its bidders, watchers and "
                   "the dealer are told, and the car is frozen until the dealer edits it or an admin "
                   "restores it.")
        reason = st.text_input("Reason (shown to everyone told)", key="takedown_reason", max_chars=300)
        if st.button("Take down lot", key="takedown_go", type="primary"):
            with reporting_errors():
                lot_takedown(actor, board.lot_id, reason=reason)
                st.session_state[f"fresh_{board.lot_id}"] = True
                st.rerun()
