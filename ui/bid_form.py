"""The viewer's side of a live lot: their standing, the bid form and buy-now.

Drawn inside the board's fragment from the same board as the price, so the lowest bid, "you lead"
and the form itself follow the lot as it refreshes, and a closed lot shows its result instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

import streamlit as st

from domain.bidding import service
from domain.bidding.board import LotBoard
from domain.errors import DomainError, ValidationFailed
from domain.formatting import parse_amount
from domain.permissions import Action, Actor, can
from ui.feedback import describe
from ui.format import money
from ui.lot_board import status_line

CONFIRM_ABOVE = Decimal("2500000")  # ₹25 lakh: a second look before committing that much


def may_bid(actor: Actor, board: LotBoard) -> bool:
    return can(actor, Action.BID) and board.dealer_id != actor.dealer_id


def standing(board: LotBoard, actor: Actor) -> None:
    """Where the viewer stands now; once bidding has closed, the lot's result for everyone."""
    leads = board.leader == actor.id
    took_part = leads or any(line.bidder == actor.id for line in board.history)
    if board.is_open:
        if leads:
            st.success(f"You lead at {money(board.price)}.")
        elif took_part:
            st.warning(f"You have been outbid: the price is now {money(board.price)}.")
        return
    if board.outcome is None:
        return  # not started yet, or cancelled: the board's status line says which
    st.info(f"Bidding has closed. {status_line(board)}.")
    if leads and (board.outcome == "sold" or board.decision == "accepted"):
        st.success(f"You won this lot at {money(board.price)}.")
    elif leads and board.decision == "pending":
        st.info("Your bid is the highest but below the reserve: the dealer is deciding.")
    elif took_part:
        st.info("You did not win this lot.")


def bid_form(actor: Actor, board: LotBoard) -> None:
    """The form for an open lot. Not an `st.form`: the amount reaches the server as it is typed, so the
    total to pay follows it, and an amount overtaken by other bids is raised to the new lowest bid."""
    key_name = f"bid_key_{board.lot_id}"
    st.session_state.setdefault(key_name, uuid.uuid4().hex)  # one key per drawn form: no double bids
    # The default is always the lowest bid (a browser that has not stored the box's value yet shows
    # it), except in the run that sets the value itself (Streamlit wants one or the other).
    default = {} if _follow_lowest(board) else {"value": float(board.minimum_next)}
    amount = st.number_input("Your maximum bid", min_value=0.0, step=1000.0, format="%.2f", key="bid_amount",
                             **default)  # type: ignore[call-overload]
    # The widget speaks float: the domain's one reading turns it into exact paise at once, or says why not.
    try:
        maximum: Decimal | None = parse_amount(amount, label="Your maximum bid", field="maximum")
    except ValidationFailed as unreadable:
        maximum, problem = None, describe(unreadable)
    if maximum is not None:
        premium = board.premium_for(maximum)
        st.caption(f"Lowest bid now {money(board.minimum_next)}. If you win at this maximum you pay "
                   f"{money(maximum)} + buyer's premium {money(premium)} = {money(maximum + premium)}. "
                   "The engine bids for you only as much as needed.")
    large = maximum is not None and maximum >= CONFIRM_ABOVE
    sure = st.checkbox("I confirm this amount", key="bid_confirm") if large else True
    if st.button("Place bid", type="primary", key="place_bid"):
        st.session_state.pop(_refusal(board), None)
        if maximum is None:
            st.session_state[_refusal(board)] = problem
        elif not sure:
            st.session_state[_refusal(board)] = f"Tick the box to confirm a bid of {money(maximum)}."
        elif _done(board, lambda: service.bid_place(actor, lot_id=board.lot_id, maximum=maximum,
                                                    key=st.session_state[key_name])):
            st.session_state[key_name] = uuid.uuid4().hex
            st.rerun()
    if _refusal(board) in st.session_state:
        st.error(st.session_state[_refusal(board)])
    if board.buy_now_open and board.buy_now_price and st.button(
            f"Buy now for {money(board.buy_now_price)}", key="buy_now") and _done(
            board, lambda: service.lot_buy_now(actor, lot_id=board.lot_id, key=uuid.uuid4().hex)):
        st.rerun()


def _follow_lowest(board: LotBoard) -> bool:
    """When other bids raise the lowest bid past the amount in the box, the box follows (True: this
    run set it); an amount the bidder typed below an unchanged lowest stays (and is refused with the
    reason), and nothing moves under a click being handled."""
    lowest, shown = float(board.minimum_next), f"bid_lowest_{board.lot_id}"
    risen = st.session_state.get(shown) != lowest
    st.session_state[shown] = lowest
    overtaken = st.session_state.get("bid_amount", lowest) < lowest
    if risen and overtaken and not st.session_state.get("place_bid"):
        st.session_state["bid_amount"] = lowest
        return True
    return False


def _refusal(board: LotBoard) -> str:
    return f"bid_refusal_{board.lot_id}"


def _done(board: LotBoard, action: Callable[[], object]) -> bool:
    """Run a bid or a purchase. Done, the next draw reads the board from the store (your own action
    shows without waiting for the shared one-second copy); refused, the reason stays on screen (the
    board redraws every two seconds) until the next try."""
    try:
        action()
    except DomainError as error:
        st.session_state[_refusal(board)] = describe(error)
        return False
    st.session_state[f"fresh_{board.lot_id}"] = True
    return True
