"""A lot: the live bid board (pushed; polled every two seconds as a fallback), the bid form, photos,
watch, retract or void, report."""

import streamlit as st

from domain.auctions import watchlist
from domain.bidding.board import LotBoard, lot_board, lot_board_snapshot
from domain.bidding.fee_schedule import sale_fees
from domain.bidding.settlement import lot_decide, settled_first
from domain.errors import DomainError
from ui.bid_form import bid_form, may_bid, standing
from ui.feedback import reporting_errors
from ui.fees import sale_panel
from ui.live_board import live_board
from ui.lot_actions import admin_takedown, admin_void, own_bids
from ui.lot_board import draw_board, draw_history, photo_strip
from ui.nav import link
from ui.reports import report_form
from ui.session import guard


@st.cache_data(ttl=1, show_spinner=False, max_entries=5000)
def shared_board(lot_id: int) -> LotBoard:
    """One read per lot per second per process, however many people watch it (a lot found past its end
    is settled first, so it shows its result without waiting for the worker)."""
    return settled_first(lambda: lot_board_snapshot(lot_id))


def fresh_board(lot_id: int) -> LotBoard:
    return settled_first(lambda: lot_board(actor, lot_id))


actor = guard()
try:
    lot_id = int(st.query_params.get("id", ""))
    board = fresh_board(lot_id)
except (ValueError, DomainError):
    st.error("This lot does not exist.")
    link("pages/auctions.py", "All auctions", "gavel")
    st.stop()

st.title(f"Lot {board.number}: {board.car_title}")
link("pages/auction.py", board.auction_title, "gavel", query={"id": str(board.auction_id)})


@st.fragment(run_every=2 if board.is_open else None)
def live() -> None:
    """Board, standing and form from one read, so the form never lags the price it is drawn beside."""
    fresh = st.session_state.pop(f"fresh_{lot_id}", False)  # your own action shows at once
    now = fresh_board(lot_id) if fresh else shared_board(lot_id)
    draw_board(now, actor)
    standing(now, actor)
    if now.is_open and may_bid(actor, now):
        bid_form(actor, now)
    draw_history(now, actor)


def pushed_or_polled() -> None:
    """The pushed board when the stream connects, else the polling one. Pushed, Python reruns only when
    this user must act or their form must follow a higher lowest bid (ui/live_board.py)."""
    if not (board.is_open and live_board(board, actor, follow=may_bid(actor, board))):
        live()
        return
    standing(board, actor)
    if may_bid(actor, board):
        bid_form(actor, board)


board_side, photo_side = st.columns([3, 2])  # on a phone the columns stack: price and bid come first
with board_side:
    pushed_or_polled()
with photo_side:
    photo_strip(board.photos[:8])

watching = watchlist.is_watching(actor, lot_id)
if st.button("Stop watching" if watching else "Watch this lot", key="watch"):
    (watchlist.unwatch if watching else watchlist.watch)(actor, lot_id)
    st.rerun()
own_store = board.dealer_id == actor.dealer_id
if (own_store or actor.is_admin) and board.decision == "pending":
    accept, decline = st.columns(2)
    for column, label, choice in ((accept, "Accept high bid", True), (decline, "Decline", False)):
        if column.button(label, key=f"decide_{choice}"):
            with reporting_errors():
                lot_decide(actor, lot_id, accept=choice)
                st.rerun()
sale = sale_fees(actor, lot_id) if board.outcome == "sold" or board.decision == "accepted" else None
if sale is not None:
    sale_panel(sale)
own_bids(actor, board)
admin_void(actor, board)
admin_takedown(actor, board)
report_form(actor, board)
