"""The signed-in user's own alerts, pushed (docs/LIVE.md): a tiny component in every page's frame
subscribes to the tab's one live stream (ui/components/live_client.js, shared with a lot page's
board), shows each new alert as a toast in the browser, and reruns Python only so the notification
count and list on screen include it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from domain.permissions import Actor

_HERE = Path(__file__).parent / "components"
LIVE_CLIENT_JS = (_HERE / "live_client.js").read_text()
_COMPONENT = st.components.v2.component(
    "autogavel_live_alerts", html='<span hidden data-testid="live-alerts"></span>',
    js=LIVE_CLIENT_JS + (_HERE / "live_alerts" / "alerts.js").read_text())


def live_alerts(actor: Actor | None) -> None:
    """Open the tab's stream for this user's alerts (nothing for a visitor, nor without a browser)."""
    if actor is None or not isinstance(st.context.headers.get("Host"), str):
        return
    _COMPONENT(key="live_alerts", on_alert_change=lambda: None, data={})
