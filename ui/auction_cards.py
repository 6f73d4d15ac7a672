"""An auction as a card, shared by the marketplace and the dealer's own list."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from domain.auctions.lifecycle import Phase
from domain.auctions.queries import AuctionCard
from domain.inventory import catalog
from ui.format import local_time, md_escape
from ui.live_cards import next_lot_ticker
from ui.nav import link

T = TypeVar("T")

PHASE_BADGES = {Phase.LIVE: ":green-badge[live]", Phase.UPCOMING: ":blue-badge[starting soon]",
                Phase.ENDED: ":gray-badge[ended]", Phase.CANCELLED: ":red-badge[cancelled]",
                Phase.DRAFT: ":orange-badge[draft]"}


def auction_card(card: AuctionCard, zone: str) -> None:
    with st.container(border=True):
        picture = catalog.photo_bytes(card.cover_photo) if card.cover_photo else None
        if picture:
            st.image(picture, width="stretch")
        st.markdown(f"**{md_escape(card.title)}** {PHASE_BADGES[card.phase]}  \n"
                    f"{md_escape(card.store)} · {md_escape(card.city)}")
        when = (f"starts {local_time(card.starts_at, zone)}" if card.phase == Phase.UPCOMING
                else f"closes {local_time(card.ends_at, zone)}")
        st.caption(f"{card.lots} lots · {card.participants} bidders · {card.total_bids} bids · {when}")
        if card.cancel_reason:
            st.caption(f"Cancelled: {md_escape(card.cancel_reason)}")
        if card.next_lot is not None:
            st.markdown(f"**{card.live_lots} of {card.lots} lots live** · next to close: "
                        f"lot {card.next_lot.number}")
            next_lot_ticker(card.next_lot)  # its current bid and time left, pushed and ticking
        link_to_auction(card.id, "Open auction")


def link_to_auction(auction_id: int, label: str) -> None:
    link("pages/auction.py", label, "gavel", query={"id": str(auction_id)})


def card_grid(items: Sequence[T], per_row: int) -> Iterator[tuple[DeltaGenerator, T]]:
    """Each item with the column to draw it in, one `st.columns` row per `per_row` items. A narrow
    screen stacks each row's columns in turn, so the cards keep their order (columns filled side by
    side for the whole list would stack as 1, 3, 5, 2, 4, 6)."""
    for start in range(0, len(items), per_row):
        yield from zip(st.columns(per_row), items[start:start + per_row], strict=False)
