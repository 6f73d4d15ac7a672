"""The live bid board of a lot, drawn from a `LotBoard` for one viewer."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from data.types import utcnow
from domain.bidding.board import HistoryLine, LotBoard, handle
from domain.lifecycle import Phase
from domain.permissions import Actor
from ui.format import local_time, md_escape, money


def who(board: LotBoard, bidder: int | None, actor: Actor) -> str:
    if bidder is None:
        return "no bids yet"
    return "you" if bidder == actor.id else handle(bidder, board.lot_id)


def countdown(ends_at: datetime, now: datetime) -> str:
    left = int((ends_at - now).total_seconds())
    if left <= 0:
        return "closed"
    hours, rest = divmod(left, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m {seconds:02d}s" if hours else f"{minutes}m {seconds:02d}s"


def reserve_text(board: LotBoard) -> str:
    if not board.has_reserve:
        return "No reserve"
    return "Reserve met" if board.reserve_met else "Reserve not met"


def status_line(board: LotBoard) -> str:
    if board.phase == Phase.CANCELLED:
        return f"Cancelled: {md_escape(board.cancel_reason or '')}"
    if board.phase == Phase.UPCOMING:
        return "Bidding has not started yet."
    if board.outcome == "sold":
        return "Sold"
    if board.outcome == "reserve_not_met":
        return {"pending": "Ended below reserve: the dealer is deciding",
                "accepted": "Sold (the dealer accepted the high bid)"}.get(board.decision or "",
                                                                          "Ended below reserve: not sold")
    if board.outcome == "unsold":
        return "Ended without bids"
    return "Live"


def draw_board(board: LotBoard, actor: Actor) -> None:
    now = utcnow()
    price = money(board.price) if board.price is not None else f"starts at {money(board.starting_price)}"
    first, second, third, fourth = st.columns(4)
    first.metric("Current price", price)
    second.metric("Leader", who(board, board.leader, actor))
    third.metric("Bids", f"{board.bid_count} from {board.bidder_count}")
    fourth.metric("Closes in", countdown(board.ends_at, now) if board.is_open else "—")
    notes = [status_line(board), reserve_text(board), f"closes {local_time(board.ends_at, actor.timezone)}"]
    if board.extended:
        notes.append(":orange-badge[extended by a late bid]")
    if board.changed_after_bids:
        notes.append(":violet-badge[updated after bidding started]")
    st.markdown(" · ".join(notes))
    if board.history:
        st.dataframe([_history_row(board, line, actor) for line in board.history[:15]],
                     hide_index=True, width="stretch")


def _history_row(board: LotBoard, line: HistoryLine, actor: Actor) -> dict[str, str]:
    note = line.status if line.status == "active" else f"{line.status}: {line.reason}"
    return {"when": local_time(line.placed_at, actor.timezone), "bidder": who(board, line.bidder, actor),
            "price": money(line.price_after), "note": note}
