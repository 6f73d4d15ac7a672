"""An auction page's lot cards, live: each card's price, reserve, bids and time left are a tiny
components-v2 ticker fed by the tab's one stream (every card subscribes to the shared liveClient, so
one EventSource carries all the page's lots, up to ui/stream.py's MAX_LOTS). Without a browser
(AppTest) the card writes the same line in Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from data.types import utcnow
from domain.auctions.queries import LotRow, NextLot
from ui.format import money
from ui.live_alerts import LIVE_CLIENT_JS
from ui.stream import MAX_LOTS

_HERE = Path(__file__).parent / "components" / "live_ticker"
_COMPONENT = st.components.v2.component(
    "autogavel_lot_ticker",
    html=('<div class="lot-ticker" data-testid="lot-ticker"><b data-f="price"></b><span data-f="facts">'
          '</span><br><small data-f="countdown"></small></div>'),
    css=".lot-ticker small { opacity: .7; }", js=LIVE_CLIENT_JS + (_HERE / "ticker.js").read_text())


def price_text(lot: LotRow | NextLot) -> str:
    return money(lot.current_price) if lot.current_price else f"starts at {money(lot.starting_price)}"


def reserve_text(lot: LotRow) -> str:
    return "no reserve" if not lot.has_reserve else "reserve met" if lot.reserve_met else "reserve not met"


def lot_ticker(lot: LotRow, *, live: bool, lots_on_page: int) -> None:
    """The card's price line, pushed and ticking in a browser; `live`: the auction is live now. A page
    with more lots than one stream carries shows them as read (the stream would refuse the list)."""
    is_open = live and lot.outcome is None and lot.ends_at > utcnow()
    first = {"lot_id": lot.id, "price": price_text(lot), "reserve": reserve_text(lot),
             "bid_count": lot.bid_count, "ends_at": lot.ends_at, "open": is_open,
             "status": (lot.outcome or "closed").replace("_", " ")}
    _ticker(first, pushed=lots_on_page <= MAX_LOTS)


def next_lot_ticker(lot: NextLot) -> None:
    """An auction card's next lot to close: its current bid and ticking time left."""
    _ticker({"lot_id": lot.id, "price": price_text(lot), "reserve": "", "bid_count": lot.bid_count,
             "ends_at": lot.ends_at, "open": True, "status": "closed"}, pushed=True)


def _ticker(first: dict[str, Any], *, pushed: bool) -> None:
    """`first` is shown until the stream's first board (version 0: any pushed board replaces it)."""
    if not isinstance(st.context.headers.get("Host"), str) or not pushed:
        facts = [first["price"], first["reserve"], f"{first['bid_count']} bids"]
        st.write(" · ".join(fact for fact in facts if fact))
        return
    board = dict(first, version=0, ends_at=first["ends_at"].isoformat())
    _COMPONENT(key=f"lot_ticker_{first['lot_id']}", data={"board": board, "now": utcnow().isoformat()})
