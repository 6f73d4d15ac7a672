"""One plotly figure per dashboard chart; each takes the DataFrame its query returns."""

from __future__ import annotations

import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not in requirements-dev
import plotly.express as px
import plotly.graph_objects as go

RUPEES = "₹"


def earnings_over_time(frame: pd.DataFrame) -> go.Figure:
    """From `dealer_earnings`: earnings per period."""
    fig = px.bar(frame, x="period_start", y="earnings", labels={"period_start": "", "earnings": RUPEES},
                 title="Earnings")
    return fig


def price_curve(frame: pd.DataFrame) -> go.Figure:
    """From `lot_price_curve`: the price after each bid, a step line (prices jump, never glide)."""
    fig = px.line(frame, x="placed_at", y="price", markers=True, line_shape="hv",
                  labels={"placed_at": "", "price": RUPEES}, title="Price")
    return fig


def top_models(frame: pd.DataFrame) -> go.Figure:
    """From `dealer_top_models`: cars sold per make and model, best first from the top."""
    labels = frame["make"] + " " + frame["model"]
    fig = px.bar(frame, x="sold", y=labels, orientation="h", labels={"y": "", "sold": "Sold"},
                 title="Top models")
    fig.update_yaxes(autorange="reversed")
    return fig


def bid_hours(frame: pd.DataFrame) -> go.Figure:
    """From `dealer_bid_hours`: bids by hour of day (all 24 hours present)."""
    return px.bar(frame, x="hour", y="bids", labels={"hour": "Hour of day", "bids": "Bids"},
                  title="When bidders bid")


def bids_per_hour(frame: pd.DataFrame) -> go.Figure:
    """From `bids_per_hour`: bids over time."""
    return px.line(frame, x="hour", y="bids", labels={"hour": "", "bids": "Bids"}, title="Bids per hour")


def top_dealers(frame: pd.DataFrame) -> go.Figure:
    """From `top_dealers`: gross hammer per store, biggest first from the top."""
    fig = px.bar(frame, x="gmv", y="store_name", orientation="h",
                 labels={"gmv": RUPEES, "store_name": ""}, title="Top dealers")
    fig.update_yaxes(autorange="reversed")
    return fig


def registrations(frame: pd.DataFrame) -> go.Figure:
    """From `registrations`: new accounts per period."""
    return px.line(frame, x="period_start", y="registrations", markers=True,
                   labels={"period_start": "", "registrations": "Registrations"}, title="Registrations")
