"""A lot: the live bid board (refreshed every two seconds), the bid form, watch, retract or void."""

import uuid
from decimal import Decimal

import streamlit as st

from data.media import get_media_store
from domain import watchlist
from domain.bidding import service
from domain.bidding.board import LotBoard, lot_board, lot_board_snapshot
from domain.bidding.settlement import lot_decide
from domain.errors import DomainError
from domain.permissions import Action, can
from ui.feedback import reporting_errors
from ui.format import money
from ui.live_board import live_board
from ui.lot_actions import admin_void, own_bids
from ui.lot_board import draw_board
from ui.nav import link
from ui.session import guard

CONFIRM_ABOVE = Decimal("2500000")  # ₹25 lakh: a second look before committing that much


@st.cache_data(ttl=1, show_spinner=False, max_entries=5000)
def shared_board(lot_id: int) -> LotBoard:
    """One read per lot per second per process, however many people watch it."""
    return lot_board_snapshot(lot_id)


actor = guard()
try:
    lot_id = int(st.query_params.get("id", ""))
    board = lot_board(actor, lot_id)
except (ValueError, DomainError):
    st.error("This lot does not exist.")
    link("pages/auctions.py", "All auctions", "gavel")
    st.stop()

st.title(f"Lot {board.number}: {board.car_title}")
link("pages/auction.py", board.auction_title, "gavel", query={"id": str(board.auction_id)})
if board.photos:
    st.image([get_media_store().read(key) for key in board.photos[:4]], width=220)


@st.fragment(run_every=2 if board.is_open else None)
def live() -> None:
    fresh = st.session_state.pop(f"fresh_{lot_id}", False)  # your own action shows at once
    draw_board(lot_board(actor, lot_id) if fresh else shared_board(lot_id), actor)


if not (board.is_open and live_board(board, actor)):  # pushed; the polling fragment as fallback
    live()
message = st.session_state.pop(f"result_{lot_id}", None)
if message:
    (st.success if message[0] == "ok" else st.warning)(message[1])

own_store = board.dealer_id == actor.dealer_id
if board.is_open and can(actor, Action.BID) and not own_store:
    key_name = f"bid_key_{lot_id}"
    st.session_state.setdefault(key_name, uuid.uuid4().hex)  # one key per drawn form: no double bids
    with st.form("bid"):
        amount = st.number_input("Your maximum bid", min_value=0.0, value=float(board.minimum_next),
                                 step=1000.0, format="%.0f", key="bid_amount")
        maximum = Decimal(str(int(amount)))
        premium = board.premium_for(maximum)
        st.caption(f"Lowest bid now {money(board.minimum_next)}. If you win at this maximum you pay "
                   f"{money(maximum)} + buyer's premium {money(premium)} = {money(maximum + premium)}. "
                   "The engine bids for you only as much as needed.")
        sure = st.checkbox("I confirm this amount", key="bid_confirm") if maximum >= CONFIRM_ABOVE else True
        if st.form_submit_button("Place bid", type="primary"):
            if not sure:
                st.error(f"Tick the box to confirm a bid of {money(maximum)}.")
            else:
                with reporting_errors():
                    receipt = service.bid_place(actor, lot_id=lot_id, maximum=maximum,
                                                key=st.session_state[key_name])
                    st.session_state[key_name] = uuid.uuid4().hex
                    st.session_state[f"fresh_{lot_id}"] = True
                    st.session_state[f"result_{lot_id}"] = (
                        ("ok", f"You lead at {money(receipt.price)}.") if receipt.leading else
                        ("warn", "Another bidder's maximum is higher: the price is now "
                                 f"{money(receipt.price)}."))
                    st.rerun()
    if board.buy_now_open and board.buy_now_price and st.button(
            f"Buy now for {money(board.buy_now_price)}", key="buy_now"):
        with reporting_errors():
            service.lot_buy_now(actor, lot_id=lot_id, key=uuid.uuid4().hex)
            st.session_state[f"fresh_{lot_id}"] = True
            st.rerun()

watching = watchlist.is_watching(actor, lot_id)
if st.button("Stop watching" if watching else "Watch this lot", key="watch"):
    (watchlist.unwatch if watching else watchlist.watch)(actor, lot_id)
    st.rerun()
if (own_store or actor.is_admin) and board.decision == "pending":
    accept, decline = st.columns(2)
    for column, label, choice in ((accept, "Accept high bid", True), (decline, "Decline", False)):
        if column.button(label, key=f"decide_{choice}"):
            with reporting_errors():
                lot_decide(actor, lot_id, accept=choice)
                st.rerun()
own_bids(actor, board)
admin_void(actor, board)
