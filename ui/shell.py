"""The frame around every page: store start-up, navigation by role, the sidebar."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

import demo
from data.bootstrap import prepare_store
from domain.notifications import unread_count
from domain.permissions import Action, Actor, can
from ui.live_alerts import live_alerts
from ui.session import RETURN_TO_KEY, current_actor, sign_out

APP_NAME = "AutoGavel"
PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"
VISITOR_PAGES = ("login", "register", "reset_password", "verify_email", "unsubscribe")


@st.cache_resource(show_spinner="Preparing the marketplace…")
def _store_ready() -> bool:
    prepare_store(seed_demo=demo.seed_demo)
    return True


def _page(path: str, title: str, icon: str, *, default: bool = False,
          hidden: bool = False) -> st.Page:  # type: ignore[name-defined]
    return st.Page(path, title=title, icon=f":material/{icon}:", default=default,
                   visibility="hidden" if hidden else "visible")


def _with_count(title: str, count: int) -> str:
    return f"{title} ({count})" if count else title


def pages_for(actor: Actor | None) -> dict[str, list[st.Page]]:  # type: ignore[name-defined]
    if actor is None:
        return {"": [_page("pages/login.py", "Sign in", "login", default=True),
                     _page("pages/register.py", "Create account", "person_add"),
                     _page("pages/reset_password.py", "Forgot password", "lock_reset"),
                     _page("pages/verify_email.py", "Confirm email", "mark_email_read", hidden=True),
                     _page("pages/unsubscribe.py", "Stop emails", "unsubscribe", hidden=True),
                     *_sign_in_first()]}
    sections: dict[str, list[st.Page]] = {  # type: ignore[name-defined]
        "": [_page("pages/home.py", "Home", "home", default=True)],
        "Marketplace": [_page("pages/auctions.py", "Auctions", "gavel"),
                        _page("pages/cars.py", "Browse cars", "directions_car"),
                        _page("pages/auction.py", "Auction", "gavel", hidden=True),
                        _page("pages/lot.py", "Lot", "gavel", hidden=True),
                        _page("pages/car.py", "Car", "directions_car", hidden=True)],
        "Account": [_page("pages/notifications.py", _with_count("Notifications", unread_count(actor)),
                          "notifications"),
                    _page("pages/account.py", "My account", "manage_accounts"),
                    _page("pages/verify_email.py", "Confirm email", "mark_email_read", hidden=True),
                    _page("pages/unsubscribe.py", "Stop emails", "unsubscribe", hidden=True),
                    _page("pages/reset_password.py", "Reset password", "lock_reset", hidden=True)],
    }
    if can(actor, Action.BID):
        sections["Marketplace"].insert(2, _page("pages/my_bids.py", "My bids", "receipt_long"))
    if can(actor, Action.MANAGE_OWN_STORE) and actor.dealer_verified:
        sections["My store"] = [_page("pages/dealer_cars.py", "My cars", "garage"),
                                _page("pages/dealer_upload.py", "Upload from Excel", "upload_file"),
                                _page("pages/dealer_auctions.py", "My auctions", "event"),
                                _page("pages/dealer_analytics.py", "Sales analytics", "monitoring"),
                                _page("pages/dealer_store.py", "Store details", "storefront")]
    if can(actor, Action.APPLY_AS_DEALER) and not actor.dealer_verified:
        sections["Account"].append(_page("pages/become_dealer.py", "Become a dealer", "storefront"))
    if can(actor, Action.MANAGE_USERS):
        sections["Admin"] = [_page("pages/admin_users.py", "Users", "group"),
                             _page("pages/admin_dealers.py", "Dealer verification", "verified"),
                             _page("pages/admin_reviews.py", "Review queue", "flag"),
                             _page("pages/admin_outbox.py", "Email outbox", "outgoing_mail"),
                             _page("pages/admin_fees.py", "Fees and increments", "payments"),
                             _page("pages/admin_audit.py", "Audit log", "history"),
                             _page("pages/admin_metrics.py", "Platform metrics", "insights")]
    if can(actor, Action.EXPORT_REPORTS):
        sections["Analytics"] = [_page("pages/analyst_exports.py", "Reports", "download")]
    return sections


def _sign_in_first() -> list[st.Page]:  # type: ignore[name-defined]
    """A visitor's shared link (`/lot?id=7`) opens the sign-in page under that address, not "Page not
    found"; after signing in, the browser returns to it (see `_remember_address`)."""
    members = sorted(path.stem for path in PAGES_DIR.glob("*.py") if path.stem not in VISITOR_PAGES)
    return [st.Page("pages/login.py", title="Sign in", icon=":material/login:", url_path=name,
                    visibility="hidden") for name in members]


def _remember_address(url_path: str) -> None:
    """Where a visitor goes once signed in: the page they asked for, with its query."""
    if url_path in ("", *VISITOR_PAGES):
        st.session_state.pop(RETURN_TO_KEY, None)
        return
    query = urlencode(st.query_params.to_dict())
    st.session_state[RETURN_TO_KEY] = f"/{url_path}?{query}" if query else f"/{url_path}"


def _sidebar(actor: Actor | None) -> None:
    with st.sidebar:
        st.markdown(f"### :material/directions_car: {APP_NAME}")
        if actor is None:
            return
        st.caption(f"Signed in as **{actor.name}**  \n{', '.join(sorted(actor.roles))}")
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            sign_out()
        live_alerts(actor)  # toasts for this user's alerts on any page, pushed


def navigation_only() -> None:
    """Called once as the server starts: the app routes through `st.navigation`, never through the
    legacy `pages/` folder. Streamlit decides that per process, on the first session, before any
    script ran: without this, a deep link (`/lot?id=…`) opened first after a restart runs the page
    file without app.py, so no sidebar, no sign-out, and a menu of every file, admin pages included."""
    PagesManager.uses_pages_directory = False


def run_frame() -> None:
    st.set_page_config(page_title=APP_NAME, page_icon=":material/directions_car:", layout="wide")
    _store_ready()
    actor = current_actor()
    # Every run: otherwise Streamlit falls back to pages/. Expanded: folded, the menu hides an admin's
    # later sections under "View more", where nobody finds the review queue.
    navigation = st.navigation(pages_for(actor), expanded=True)
    if actor is None:
        _remember_address(navigation.url_path)
    _sidebar(actor)
    navigation.run()
