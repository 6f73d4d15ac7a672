"""My bids: leading, outbid, won (with what is owed) and lost; my watchlist."""

import streamlit as st

from domain.auctions import watchlist
from domain.bidding.board import my_bids
from domain.permissions import Action
from ui.format import local_time, money
from ui.nav import link
from ui.session import guard

LABELS = {"leading": ":green-badge[leading]", "outbid": ":orange-badge[outbid]", "won": ":blue-badge[won]",
          "lost": ":gray-badge[lost]", "pending": ":violet-badge[below reserve: dealer deciding]"}

actor = guard(Action.BID)
st.title("My bids")
bids_tab, wins_tab, watch_tab = st.tabs(["Bids", "Wins", "Watchlist"])

with bids_tab:
    bids = my_bids(actor)
    if not bids:
        st.info("You have not bid yet. Find a car in the live auctions.")
    for bid in bids:
        with st.container(border=True):
            st.markdown(f"{LABELS[bid.status]} **{bid.title}**")
            st.caption(f"your maximum {money(bid.my_max)} · price {money(bid.price)} · closes "
                       f"{local_time(bid.ends_at, actor.timezone)}")
            link("pages/lot.py", "Open lot", "gavel", query={"id": str(bid.lot_id)})

with wins_tab:
    wins = [bid for bid in bids if bid.status == "won"]
    st.dataframe([{"car": w.title, "hammer": money(w.price), "you owe (with premium)": money(w.owed)}
                  for w in wins], hide_index=True, width="stretch")
    if not wins:
        st.caption("No wins yet.")

with watch_tab:
    watched = watchlist.watchlist_of(actor)
    for item in watched:
        closes = local_time(item.ends_at, actor.timezone)
        st.markdown(f"**{item.title}** · {money(item.price)} · closes {closes}")
        link("pages/lot.py", "Open lot", "gavel", query={"id": str(item.lot_id)})
    if not watched:
        st.caption("Watch a lot from its page to follow it here.")
