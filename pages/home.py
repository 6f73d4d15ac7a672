"""Home: what the signed-in user can do next, by role."""

import streamlit as st

from domain.accounts import dealers
from domain.permissions import Action, can
from domain.types import DealerStatus
from ui.format import md_escape
from ui.nav import link
from ui.session import guard
from ui.verification import verification_banner

ROLE_CARDS = [
    (Action.BID, ":material/gavel: Bid",
     "Browse live auctions, set a maximum bid and let the engine bid for you."),
    (Action.MANAGE_OWN_STORE, ":material/storefront: Sell",
     "List cars, upload a whole inventory from Excel, and run auctions."),
    (Action.VIEW_ANALYTICS, ":material/monitoring: Analyse",
     "Explore sales, bids and dealer statements; export CSV, Excel, Parquet."),
    (Action.MANAGE_USERS, ":material/shield_person: Administer",
     "Verify dealer stores, manage users and roles, watch the platform."),
]

actor = guard()
st.title(f"Welcome, {actor.name.split()[0]}")
verification_banner(actor)

cards = [(title, text) for action, title, text in ROLE_CARDS if can(actor, action)]
for column, (title, text) in zip(st.columns(len(cards) or 1), cards, strict=False):
    with column.container(border=True):
        st.subheader(title)
        st.write(text)

if can(actor, Action.APPLY_AS_DEALER) and not actor.dealer_verified:
    store = dealers.dealer_of(actor)
    if store is None:
        st.info("Want to sell cars? Apply for a dealer store; an admin verifies it.")
        link("pages/become_dealer.py", "Become a dealer", "storefront")
    elif store.status == DealerStatus.PENDING:
        st.info(f"Your store **{md_escape(store.store_name)}** is waiting for verification.")
    elif store.status == DealerStatus.REJECTED:
        st.warning(f"Your store application was not approved: {md_escape(store.review_note or '')}")
if can(actor, Action.MANAGE_USERS):
    link("pages/admin_dealers.py", "Review dealer applications", "verified")
link("pages/account.py", "Your account and security", "manage_accounts")
