"""Platform metrics for admins: money, users, live activity, conversion, dealers, settlement health."""

from functools import partial

import streamlit as st

from analytics import figures
from domain.errors import DomainError
from domain.oversight.backups import platform_backup_health
from domain.permissions import Action
from domain.reporting.reports import FiguresPreparing, figures_ready, platform_dashboard
from ui.backups import backup_panel
from ui.charts import chart_with_table, date_range, freshness, preparing, table
from ui.format import money, money_short
from ui.live_now import live_now_panel
from ui.session import guard

actor = guard(Action.VIEW_PLATFORM_METRICS)
st.title("Platform metrics")
backup_panel(platform_backup_health(actor))  # read from the store: shown even while figures are preparing
live_now_panel(actor)  # from the store too, pushed
zone = actor.timezone
start, end = date_range(zone, key="platform_dates", days=30)
try:
    board = platform_dashboard(actor, start, end, zone=zone)
except FiguresPreparing as notice:
    preparing(str(notice), figures_ready)
except DomainError as error:
    st.error(str(error))
    st.stop()
freshness(board.fresh_at, zone)

overdue = board.overdue_lots.iloc[0]
if int(overdue["past_grace"]):
    st.error(f"Settlement is behind: {int(overdue['past_grace'])} lots ended over a minute ago and are "
             "not settled. Is the worker (`python -m ops.worker`) running?")
else:
    st.success(f"Settlement is healthy: {int(overdue['unsettled_past_end'])} lots awaiting settlement.")

money_row = board.summary.iloc[0]
cols = st.columns(4)
cols[0].metric("Gross merchandise value", money_short(money_row["gmv"]), help=money(money_row["gmv"]))
cols[1].metric("Platform revenue", money_short(money_row["platform_revenue"]),
               help=money(money_row["platform_revenue"]))
cols[2].metric("Buyer's premium", money_short(money_row["buyer_premium"]),
               help=money(money_row["buyer_premium"]))
cols[3].metric("Conversion", f"{float(money_row['conversion'] or 0):.0%}", help="Lots sold of lots offered")

st.subheader("Users by role")
table(board.users, zone)
chart_with_table("Bids per hour", board.bids_per_hour, partial(figures.bids_per_hour, zone=zone),
                 key="bids_per_hour", zone=zone)
chart_with_table("Top dealers", board.top_dealers, figures.top_dealers, key="top_dealers", zone=zone)
chart_with_table("New registrations", board.registrations, figures.registrations, key="registrations",
                 zone=zone)
