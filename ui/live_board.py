"""The lot board pushed to the browser (a components-v2 component fed by GET /live, docs/LIVE.md).

No rerun happens while the board only changes on screen; Python runs again when this user must act
(outbid, the lot closed, they won) or when the stream cannot connect, and then the page draws
today's polling fragment instead, saying so, until the stream is back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
    result = _COMPONENT(
        key=key, on_act_change=lambda: None, on_fallback_change=lambda: None, on_restored_change=lambda: None,
        data={"lots": [board.lot_id], "board": json.loads(public_board(board).for_viewer(actor.id)),
              "now": utcnow().isoformat(), "timezone": actor.timezone, "follow": follow,
              "fallback": polling_instead(key)})
    said = _SAYS.get(str(result.get("act")))
    if said:
        st.toast(said[0], icon=said[1])
    if polling_instead(key, result):
        st.caption("Live updates could not connect: this board refreshes every two seconds instead.")
        return False
    return True


def polling_instead(key: str, result: Mapping[str, Any] | None = None) -> bool:
    """Whether the live component `key` of this tab polls: since its stream could not connect (its
    `fallback` trigger), until a later stream connected (`restored`). Kept per tab: it is the view's."""
    fallback_key = f"{key}_fallback"
    if result is not None and result.get("fallback"):
        st.session_state[fallback_key] = True
    if result is not None and result.get("restored"):
        st.session_state[fallback_key] = False
    return bool(st.session_state.get(fallback_key, False))
