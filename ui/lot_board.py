"""The live bid board of a lot, drawn from a `LotBoard` for one viewer."""

from __future__ import annotations

import base64
from datetime import datetime

import streamlit as st

from data.types import utcnow
from domain.auctions.lifecycle import Phase
from domain.bidding.board import HistoryLine, LotBoard
from domain.bidding.board_view import seen_as
from domain.inventory.catalog import photo_bytes
from domain.permissions import Actor
from ui.format import local_time, md_escape, money


def who(board: LotBoard, bidder: int | None, actor: Actor) -> str:
    return seen_as(bidder, board.lot_id, actor.id) or "no bids yet"


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


CLOSED = {"sold": "Sold", "unsold": "Ended without bids",
          "taken_down": "Taken down by an admin: its bids were voided"}


def status_line(board: LotBoard) -> str:
    if board.phase == Phase.CANCELLED:
        return f"Cancelled: {md_escape(board.cancel_reason or '')}"
    if board.phase == Phase.UPCOMING:
        return "Bidding has not started yet."
    if board.outcome == "reserve_not_met":
        return {"pending": "Ended below reserve: the dealer is deciding",
                "accepted": "Sold (the dealer accepted the high bid)"}.get(board.decision or "",
                                                                          "Ended below reserve: not sold")
    return CLOSED.get(board.outcome or "", "Live")


def cap_text(cap: datetime | None, zone: str) -> str:
    """The soft-close cap in words: late bids extend a lot, but never past this moment."""
    return f"no later than {local_time(cap, zone)}" if cap else ""


def premium_text(board: LotBoard) -> str:
    """What a bidder would pay on top at the price now (the platform's premium at the lot's close)."""
    price = board.price if board.price is not None else board.starting_price
    return f"buyer's premium at {money(price)}: {money(board.premium_for(price))}"


def draw_board(board: LotBoard, actor: Actor) -> None:
    """Price, leader, bids and countdown in one row that wraps (two by two on a phone, where columns
    would stack four tall metrics above the bid form), then the lot's status."""
    now = utcnow()
    price = money(board.price) if board.price is not None else f"starts at {money(board.starting_price)}"
    with st.container(horizontal=True, gap="medium"):
        st.metric("Current price", price, width=160)
        st.metric("Leader", who(board, board.leader, actor), width=160)
        st.metric("Bids", f"{board.bid_count} from {board.bidder_count}", width=160)
        st.metric("Closes in", countdown(board.ends_at, now) if board.is_open else "—", width=160)
    cap = cap_text(board.latest_end_at, actor.timezone) if board.is_open else ""
    closes = f"closes {local_time(board.ends_at, actor.timezone)}" + (f", {cap}" if cap else "")
    notes = [status_line(board), reserve_text(board), closes, premium_text(board)]
    if board.extended:
        notes.append(":orange-badge[extended by a late bid]")
    if board.changed_after_bids:
        notes.append(":violet-badge[updated after bidding started]")
    st.markdown(" · ".join(notes))


def draw_history(board: LotBoard, actor: Actor) -> None:
    if board.history:
        st.markdown(history_table(board, actor))


def history_table(board: LotBoard, actor: Actor) -> str:
    """The last bids as a Markdown table: every watcher redraws it every two seconds, and a DataFrame
    (pandas, then Arrow) cost more than the rest of the board."""
    rows = ["| When | Bidder | Price | Note |", "|---|---|---:|---|"]
    rows += ["| " + " | ".join(md_escape(cell) for cell in _history_row(board, line, actor)) + " |"
             for line in board.history[:15]]
    return "\n".join(rows)


def _history_row(board: LotBoard, line: HistoryLine, actor: Actor) -> tuple[str, str, str, str]:
    note = line.status if line.status == "active" else f"{line.status}: {line.reason}"
    return (local_time(line.placed_at, actor.timezone), who(board, line.bidder, actor),
            money(line.price_after), note)


def photo_strip(keys: list[str]) -> None:
    """The lot's photos in one row that scrolls sideways (swiped on a phone), one photo per snap."""
    if not keys:
        return
    photos = [(key, photo) for key in keys if (photo := photo_bytes(key)) is not None]  # a lost one: skipped
    images = "".join(
        f'<img src="data:image/{_mime(key)};base64,{base64.b64encode(photo).decode()}" '
        'alt="Photo of the car" style="height:220px;max-width:85%;object-fit:cover;border-radius:6px;'
        'scroll-snap-align:start;flex:none">' for key, photo in photos)
    st.html('<div data-testid="photo-strip" style="display:flex;gap:8px;overflow-x:auto;'
            f'scroll-snap-type:x mandatory;-webkit-overflow-scrolling:touch">{images}</div>')


def _mime(key: str) -> str:
    suffix = key.rsplit(".", 1)[-1]
    return "jpeg" if suffix == "jpg" else suffix
