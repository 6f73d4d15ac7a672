"""Platform metrics for admins: money, users, live activity, conversion, dealers, settlement health."""

import streamlit as st

from analytics import figures
from domain.backups import platform_backup_health
from domain.errors import DomainError
from domain.permissions import Action
from domain.reports import platform_dashboard
from ui.backups import backup_panel
from ui.charts import chart_with_table, date_range, freshness
from ui.format import money
from ui.session import guard

actor = guard(Action.VIEW_PLATFORM_METRICS)
st.title("Platform metrics")
start, end = date_range(actor.timezone, key="platform_dates", days=30)
try:
    board = platform_dashboard(actor, start, end)
except DomainError as error:
    st.error(str(error))
    st.stop()
freshness(board.fresh_at, actor.timezone)

overdue = board.overdue_lots.iloc[0]
if int(overdue["past_grace"]):
    st.error(f"Settlement is behind: {int(overdue['past_grace'])} lots ended over a minute ago and are "
             "not settled. Is the worker (`python -m domain.bidding.worker`) running?")
else:
    st.success(f"Settlement is healthy: {int(overdue['unsettled_past_end'])} lots awaiting settlement.")

backup_panel(platform_backup_health(actor))

money_row = board.summary.iloc[0]
live = board.live.iloc[0]
cols = st.columns(5)
cols[0].metric("Gross merchandise value", money(money_row["gmv"]))
cols[1].metric("Platform revenue", money(money_row["platform_revenue"]))
cols[2].metric("Buyer's premium", money(money_row["buyer_premium"]))
cols[3].metric("Conversion (sold / offered)", f"{float(money_row['conversion'] or 0):.0%}")
cols[4].metric("Live now", f"{int(live['live_auctions'])} auctions · {int(live['live_lots'])} lots")

st.subheader("Users by role")
st.dataframe(board.users, hide_index=True, width="stretch")
chart_with_table("Bids per hour", board.bids_per_hour, figures.bids_per_hour, key="bids_per_hour")
chart_with_table("Top dealers", board.top_dealers, figures.top_dealers, key="top_dealers")
chart_with_table("New registrations", board.registrations, figures.registrations, key="registrations")
