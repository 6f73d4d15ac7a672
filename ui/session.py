"""The session gate every page goes through.

The browser holds the session JWT in an HttpOnly cookie (set by `ui.http` routes, so page scripts
never touch it); this tab keeps a copy in `st.session_state` (a cache, not the truth: the sessions
table is). Every run re-checks the session in the store, cached for a few seconds per process, so a
logout or a suspension takes effect everywhere at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NoReturn
from urllib.parse import urlencode

import streamlit as st
import streamlit.components.v1 as components
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data.settings import get_settings
from data.types import utcnow
from domain.accounts import auth
from domain.accounts.security import read_token
from domain.errors import SessionExpired
from domain.permissions import Action, Actor, can
from ui.nav import link

COOKIE_NAME = "auction_session"
TOKEN_KEY = "session_token"  # noqa: S105 — the session-state key, not a secret
RETURN_TO_KEY = "return_to"  # the address a visitor asked for before signing in


@st.cache_data(ttl=get_settings().session_cache_seconds, show_spinner=False, max_entries=10_000)
def _resolve(token: str) -> Actor:
    return auth.session_resolve(token)


def current_actor() -> Actor | None:
    token = st.session_state.get(TOKEN_KEY) or st.context.cookies.get(COOKIE_NAME)
    if not token:
        return None
    try:
        actor = _resolve(token)
    except SessionExpired:
        st.session_state.pop(TOKEN_KEY, None)
        return None
    st.session_state[TOKEN_KEY] = _renewed(token)
    return actor


def _renewed(token: str) -> str:
    """Past half its life, the token is renewed (the user is active) and the cookie refreshed."""
    claims = read_token(token)
    half = timedelta(minutes=get_settings().session_minutes) / 2
    if claims.expires_at - utcnow() > half:
        return token
    fresh = auth.session_renew(token)
    _refresh_cookie()
    return fresh


def _refresh_cookie() -> None:
    """The cookie is HttpOnly, so only the server can renew it: ask the browser to call the route."""
    components.html("<script>fetch('/auth/refresh',{method:'POST',credentials:'same-origin'})"
                    "</script>", height=0)


def sign_in(signed: auth.SignedIn) -> NoReturn:
    """Keep the token for this tab, then let the cookie route store it for reloads and new tabs; the
    route sends the browser back to the address it first asked for (a shared lot link), or home."""
    st.session_state[TOKEN_KEY] = signed.token
    _resolve.clear()
    query = {"ticket": auth.handoff_ticket(signed.token), "next": st.session_state.pop(RETURN_TO_KEY, "/")}
    _browser_go(f"/auth/session?{urlencode(query)}", "Signing you in…")


def sign_out() -> NoReturn:
    token = st.session_state.pop(TOKEN_KEY, None) or st.context.cookies.get(COOKIE_NAME)
    if token:
        auth.session_close(token)
    _resolve.clear()
    _browser_go("/auth/logout", "Signing you out…")


def _browser_go(url: str, note: str) -> NoReturn:
    """Send the browser to one of our HTTP routes (the same message `st.login` uses), then end this
    run: a rerun now could be sent before the redirect and race it. Without a browser (AppTest)
    there is nothing to redirect, so the app simply reruns."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or not isinstance(st.context.headers.get("Host"), str):
        st.rerun()
    message = ForwardMsg()
    message.auth_redirect.url = url
    ctx.enqueue(message)
    st.info(note)
    st.stop()


def client_address() -> str:
    """The browser's network address, for the limits kept per address (sign-in, registration)."""
    peer, forwarded = st.context.ip_address, st.context.headers.get_all("X-Forwarded-For")
    # Without a browser (AppTest) the client is a stand-in whose fields are no strings: no address.
    strings = [value for value in forwarded if isinstance(value, str)] if isinstance(forwarded, list) else []
    return address_of(peer if isinstance(peer, str) else None, strings)


def address_of(peer: str | None, forwarded: list[str]) -> str:
    """Streamlit reports a loopback peer as None. On the production stack that peer is our own proxy
    (HAProxy on the host, `option forwardfor`), which appends the address it saw as the LAST
    X-Forwarded-For entry; the entries before it are whatever the client claimed, so they are ignored.
    Any other peer is the client itself, and a header it sends could be forged: the peer counts."""
    if peer:
        return peer[:64]
    entries = [entry.strip() for value in forwarded for entry in value.split(",") if entry.strip()]
    return entries[-1][:64] if entries else "unknown"


def guard(action: Action | None = None) -> Actor:
    """Stop the page unless someone is signed in (and, given an action, allowed to do it)."""
    actor = current_actor()
    if actor is None:
        st.warning("Please sign in to see this page.")
        link("pages/login.py", "Sign in", "login")
        st.stop()
    if action is not None and not can(actor, action):
        st.error("Your account does not have access to this page.")
        st.stop()
    return actor
