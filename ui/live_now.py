"""The admin's "live now" panel, pushed (domain/reporting/live_now.py, docs/LIVE.md): a components-v2
component on the tab's one stream shows the figures the server pushes when they change; no rerun, no
polling while the stream is up. If it cannot connect, the panel polls every five seconds and says so,
until the stream is back. Without a browser (AppTest) Python draws the same figures.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import streamlit as st

from data.settings import get_settings
from domain.permissions import Actor
from domain.reporting.live_now import live_now
from ui.live_alerts import LIVE_CLIENT_JS
from ui.live_board import polling_instead

LABELS = {"live_auctions": "Live auctions", "live_lots": "Live lots",
          "bids_last_minute": "Bids in the last minute", "watchers": "Watching now"}
WATCHERS_HELP = "Open tabs showing a lot, an auction's lots or the auctions list, on every server process."
_HERE = Path(__file__).parent / "components"
_CELLS = "".join(f'<div><small>{label}</small><b data-f="{name}"></b></div>'
                 for name, label in LABELS.items())
_COMPONENT = st.components.v2.component(
    "autogavel_live_now",
    html=(f'<div class="live-now" data-testid="live-now"><div class="cells">{_CELLS}</div>'
          '<p class="state" data-f="state"></p></div>'),
    css=(_HERE / "live_board" / "board.css").read_text(),
    js=LIVE_CLIENT_JS + (_HERE / "live_now" / "live_now.js").read_text())
KEY = "live_now"


def live_now_panel(actor: Actor) -> None:
    st.subheader("Live now")
    if not _pushed(actor):
        _polled(actor)


def _pushed(actor: Actor) -> bool:
    if not get_settings().live_push or not isinstance(st.context.headers.get("Host"), str):
        return False  # switched off, or no browser (AppTest): Python draws the figures
    result = _COMPONENT(key=KEY, on_fallback_change=lambda: None, on_restored_change=lambda: None,
                        data={"figures": asdict(live_now(actor)), "fallback": polling_instead(KEY)})
    if polling_instead(KEY, result):
        st.caption("Live updates could not connect: these figures refresh every five seconds instead.")
        return False
    return True


@st.fragment(run_every=5)
def _polled(actor: Actor) -> None:
    figures = asdict(live_now(actor))
    for column, (name, label) in zip(st.columns(len(LABELS)), LABELS.items(), strict=True):
        column.metric(label, figures[name], help=WATCHERS_HELP if name == "watchers" else None)
