"""The lot board pushed to the browser (a components-v2 component fed by GET /live, docs/LIVE.md).

No rerun happens while the board only changes on screen; Python runs again when this user must act
(outbid, the lot closed, they won) or when the stream cannot connect, and then the page draws
today's polling fragment instead, saying so, until the stream is back.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from data.settings import get_settings
from data.types import utcnow
from domain.bidding.board import LotBoard
from domain.permissions import Actor
from ui.live_alerts import LIVE_CLIENT_JS
from ui.live_view import public_board

_HERE = Path(__file__).parent / "components" / "live_board"
_COMPONENT = st.components.v2.component(
    "autogavel_live_board", html=(_HERE / "board.html").read_text(), css=(_HERE / "board.css").read_text(),
    js=LIVE_CLIENT_JS + (_HERE / "board.js").read_text())
# Outbid and won arrive as the user's own alerts (ui/live_alerts.py), naming the car: not said twice.
_SAYS = {"closed": ("Bidding on this lot has closed.", "🔨")}


def live_board(board: LotBoard, actor: Actor, *, follow: bool = False) -> bool:
    """Draw the pushed board; False when the stream could not connect (the caller polls instead).
    `follow`: this viewer has a bid form, which Python redraws when other bids raise the lowest bid."""
    if not get_settings().live_push or not isinstance(st.context.headers.get("Host"), str):
        return False  # switched off, or no browser (AppTest): nothing opens a stream; Python draws it
    key = f"live_board_{board.lot_id}"
    fallback_key = f"{key}_fallback"
    result = _COMPONENT(
        key=key, on_act_change=lambda: None, on_fallback_change=lambda: None, on_restored_change=lambda: None,
        data={"lots": [board.lot_id], "board": json.loads(public_board(board).for_viewer(actor.id)),
              "now": utcnow().isoformat(), "timezone": actor.timezone, "follow": follow,
              "fallback": st.session_state.get(fallback_key, False)})
    if result.get("fallback"):
        st.session_state[fallback_key] = True
    if result.get("restored"):
        st.session_state[fallback_key] = False
    said = _SAYS.get(str(result.get("act")))
    if said:
        st.toast(said[0], icon=said[1])
    if st.session_state.get(fallback_key, False):
        st.caption("Live updates could not connect: this board refreshes every two seconds instead.")
        return False
    return True
