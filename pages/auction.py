"""One auction: its lots with photos and prices; an admin may cancel it with a reason."""

import streamlit as st

from domain.auctions import service as auctions
from domain.auctions.lifecycle import Phase
from domain.auctions.queries import LotRow, auction_detail
from domain.errors import DomainError
from domain.inventory import catalog
from ui.auction_cards import PHASE_BADGES, card_grid
from ui.feedback import reporting_errors
from ui.fees import schedule_text
from ui.format import local_time, md_escape
from ui.live_cards import lot_ticker
from ui.lot_board import cap_text
from ui.nav import link
from ui.session import guard


def duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    parts = (f"{minutes} min" if minutes else "", f"{rest} s" if rest else "")
    return " ".join(part for part in parts if part)


def soft_close_text(window_s: int, extension_s: int, cap: str = "") -> str:
    """The rule as `domain.bidding.rules.soft_close` applies it: the end moves to the bid's time plus
    the extension, so a bid with more than the extension left changes nothing; never past the cap."""
    if not window_s:
        return "no extension for late bids"
    return (f"a bid in the last {duration(window_s)} keeps that lot open until {duration(extension_s)} "
            "after the bid" + (f", {cap}" if cap else ""))


actor = guard()
try:
    detail = auction_detail(actor, int(st.query_params.get("id", "")))
except (ValueError, DomainError):
    st.error("This auction does not exist or is not visible to you.")
    link("pages/auctions.py", "All auctions", "gavel")
    st.stop()

card = detail.card
st.title(card.title)
st.markdown(f"{PHASE_BADGES[card.phase]} {md_escape(card.store)} · {md_escape(card.city)}")
if card.cancel_reason:
    st.error(f"This auction was cancelled: {md_escape(card.cancel_reason)}")
st.caption(f"Starts {local_time(card.starts_at, actor.timezone)} · last lot closes "
           f"{local_time(card.ends_at, actor.timezone)} · {card.lots} lots · {card.participants} bidders · "
           f"{card.total_bids} bids · buyer's premium {schedule_text(detail.premium)} · "
           + soft_close_text(detail.soft_close_window_s, detail.soft_close_extension_s,
                             cap_text(detail.latest_end_at, actor.timezone)))
if detail.description:
    st.write(detail.description)


def lot_card(lot: LotRow) -> None:
    with st.container(border=True):
        picture = catalog.photo_bytes(lot.photo) if lot.photo else None
        if picture:
            st.image(picture, width="stretch")
        st.markdown(f"**Lot {lot.number}: {md_escape(lot.title)}**")
        lot_ticker(lot, live=card.phase == Phase.LIVE, lots_on_page=len(detail.lots))  # pushed, ticking
        st.caption(f"Closes {local_time(lot.ends_at, actor.timezone)}"
                   + (" · extended" if lot.extended else "")
                   + (f" · {lot.outcome.replace('_', ' ')}" if lot.outcome else "")
                   + (" · updated after bidding started" if lot.changed_after_bids else ""))
        link("pages/lot.py", "Open lot and bid", "gavel", query={"id": str(lot.id)})
        link("pages/car.py", "Car details", "directions_car", query={"id": str(lot.car_id)})


for column, lot in card_grid(detail.lots, 3):
    with column:
        lot_card(lot)

if actor.is_admin and card.phase in (Phase.LIVE, Phase.UPCOMING):  # an ended auction's results stand
    with st.expander("Cancel this auction (admin)"), st.form("admin_cancel"):
        reason = st.text_input("Reason, shown to bidders", key="cancel_reason")
        if st.form_submit_button("Cancel auction"):
            with reporting_errors():
                auctions.auction_cancel(actor, card.id, reason=reason)
                st.success("Cancelled.")
