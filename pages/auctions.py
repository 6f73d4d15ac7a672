"""Auctions (FR12, FR15): live now, starting soon, ended and cancelled, with lots, bidders and bids."""

import streamlit as st

from domain.auctions.lifecycle import Phase
from domain.auctions.queries import auction_browse
from ui.auction_cards import auction_card, card_grid
from ui.session import guard

TABS = [(Phase.LIVE, "Live now"), (Phase.UPCOMING, "Starting soon"), (Phase.ENDED, "Ended"),
        (Phase.CANCELLED, "Cancelled")]

actor = guard()
st.title("Auctions")
for tab, (phase, label) in zip(st.tabs([label for _, label in TABS]), TABS, strict=True):
    with tab:
        cards = auction_browse(actor, phase)
        if not cards:
            st.info(f"No {label.lower()} auctions right now.")
        for column, card in card_grid(cards, 2):
            with column:
                auction_card(card, actor.timezone)
