"""Sales analytics for the signed-in dealer (FR23): outcomes, money, bidding, best sellers."""

from functools import partial

import pandas as pd
import streamlit as st

from analytics import figures
from domain.errors import DomainError
from domain.permissions import Action
from domain.reporting.reports import FiguresPreparing, dealer_dashboard, dealer_lot_curve, figures_ready
from ui.charts import chart_with_table, date_range, freshness, preparing
from ui.feedback import reporting_errors
from ui.format import money, money_short
from ui.session import guard


def ratio(value: object) -> str:
    return "—" if pd.isna(value) else f"{float(value):.2f}×"  # type: ignore[arg-type]


def number(value: object) -> str:
    return "—" if pd.isna(value) else f"{float(value):.1f}"  # type: ignore[arg-type]


def share(value: object) -> str:
    return "—" if pd.isna(value) else f"{float(value):.0%}"  # type: ignore[arg-type]


actor = guard(Action.VIEW_OWN_SALES)
st.title("Sales analytics")
if actor.dealer_id is None:
    st.info("Analytics appear once you have a verified store.")
    st.stop()

zone = actor.timezone
left, right = st.columns([3, 1])
with left:
    start, end = date_range(zone, key="dealer_dates")
period = right.radio("Earnings by", ["week", "month"], horizontal=True, key="dealer_period")
try:
    board = dealer_dashboard(actor, actor.dealer_id, start, end, period=period, zone=zone)
except FiguresPreparing as notice:
    preparing(str(notice), figures_ready)
except DomainError as error:
    st.error(str(error))
    st.stop()
freshness(board.fresh_at, zone)

row = board.summary.iloc[0] if not board.summary.empty else None
if row is not None:
    first = st.columns(4)
    first[0].metric("Auctions held", int(row["auctions_held"]))
    first[1].metric("Lots offered", int(row["lots_offered"]))
    first[2].metric("Sold", int(row["sold"]),
                    help=f"{int(row['unsold'])} unsold, {int(row['reserve_not_met'])} below reserve")
    first[3].metric("Sell-through", share(row["sell_through"]),
                    help="Sold lots out of closed lots (live lots are not counted)."
                    if not pd.isna(row["sell_through"]) else "No closed lots yet.")
    second = st.columns(4)
    second[0].metric("Gross sales (hammer)", money_short(row["gross_hammer"]),
                     help=money(row["gross_hammer"]))
    second[1].metric("Your earnings", money_short(row["earnings"]), help=money(row["earnings"]))
    second[2].metric("Hammer / reserve", ratio(row["avg_hammer_to_reserve"]),
                     help=f"Hammer / starting price: {ratio(row['avg_hammer_to_starting'])}")
    second[3].metric("Bids per lot", number(row["bids_per_lot"]),
                     help=f"Bidders per lot: {number(row['bidders_per_lot'])}")

chart_with_table("Earnings", board.earnings, partial(figures.earnings_over_time, period=period),
                 key="earnings", zone=zone)
chart_with_table("Best makes and models", board.top_models, figures.top_models, key="top_models", zone=zone)
chart_with_table("When bidders bid", board.bid_hours, figures.bid_hours, key="bid_hours", zone=zone)

st.subheader("A lot's price over its bids")
if board.lots.empty:
    st.caption("No lots in this range.")
else:
    labels = {int(r.lot_id): f"{r.year} {r.make} {r.model} · lot {r.lot_number} of {r.auction}"
              for r in board.lots.itertuples()}
    picked = st.selectbox("Lot", list(labels), format_func=lambda lot_id: labels[lot_id], key="curve_lot")
    with reporting_errors():
        curve = dealer_lot_curve(actor, actor.dealer_id, int(picked), board.lots)
        chart_with_table("Price curve", curve, partial(figures.price_curve, zone=zone), key="price_curve",
                         zone=zone)
