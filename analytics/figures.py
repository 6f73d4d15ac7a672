"""One plotly figure per dashboard chart; each takes the DataFrame its query returns.

Charts speak the app's language: money in the currency's own grouping (₹20 L, ₹1.2 Cr on the axis,
the full ₹ value on hover), buckets by their calendar name ("Week of 12 Oct", "Oct 2026") and times
in the viewer's zone. Axis ticks are computed here from the data (plotly would write "2M" and
"23:59:59.9996").
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not in requirements-dev
import plotly.express as px
import plotly.graph_objects as go

from domain.formatting import money, money_short, period_label

MAX_TICKS = 8
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def money_ticks(values: pd.Series) -> tuple[list[float], list[str]]:
    """Round tick values spanning 0 and the data, labelled compactly (₹20 L, ₹1.2 Cr)."""
    low, high = min(0.0, float(values.min())), max(0.0, float(values.max()))
    if high == low:
        high = low + 1000.0
    raw = (high - low) / (MAX_TICKS - 2)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(n * magnitude for n in NICE_STEPS if n * magnitude >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    ticks = [k * step for k in range(first, last + 1)]
    return ticks, [money_short(t) for t in ticks]


def period_ticks(starts: pd.Series, period: str) -> tuple[list[datetime], list[str]]:
    """At most MAX_TICKS of the buckets, each named by its calendar label."""
    moments = sorted(pd.to_datetime(starts).dt.to_pydatetime())
    with_year = period != "month" and len({m.year for m in moments}) > 1
    stride = max(1, math.ceil(len(moments) / MAX_TICKS))
    shown = moments[::stride]
    return shown, [period_label(m, period, with_year=with_year) for m in shown]


def local(times: pd.Series, zone: str) -> pd.Series:
    """UTC instants as the viewer's wall-clock times (plotly draws naive times as they are)."""
    return pd.to_datetime(times, utc=True).dt.tz_convert(zone).dt.tz_localize(None)


def _money_axis(fig: go.Figure, values: pd.Series, axis: str = "y") -> None:
    ticks, labels = money_ticks(values)
    fig.update_layout({f"{axis}axis": {"tickvals": ticks, "ticktext": labels, "title": None}})


def _period_axis(fig: go.Figure, starts: pd.Series, period: str) -> None:
    ticks, labels = period_ticks(starts, period)
    fig.update_xaxes(tickvals=ticks, ticktext=labels, title=None)


def _hover(fig: go.Figure, names: list[str], template: str) -> None:
    fig.update_traces(customdata=[[n] for n in names], hovertemplate=template + "<extra></extra>")


def earnings_over_time(frame: pd.DataFrame, period: str = "week") -> go.Figure:
    """From `dealer_earnings` (local periods): earnings per period."""
    fig = px.bar(frame, x="period_start", y="earnings", title="Earnings")
    _period_axis(fig, frame["period_start"], period)
    _money_axis(fig, frame["earnings"])
    names = [f"{period_label(p, period, with_year=True)}<br>Earnings {money(e)} · {s} sold"
             for p, e, s in zip(pd.to_datetime(frame["period_start"]), _exact(frame["earnings"]),
                                frame["sales"], strict=True)]
    _hover(fig, names, "%{customdata[0]}")
    return fig


def price_curve(frame: pd.DataFrame, zone: str = "Asia/Kolkata") -> go.Figure:
    """From `lot_price_curve`: the price after each bid, a step line (prices jump, never glide)."""
    fig = px.line(x=local(frame["placed_at"], zone), y=frame["price"], markers=True, line_shape="hv",
                  title="Price")
    fig.update_xaxes(title=None, hoverformat="%d %b %Y, %H:%M:%S")
    _money_axis(fig, frame["price"])
    _hover(fig, [money(p) for p in _exact(frame["price"])], "%{x}<br>%{customdata[0]}")
    return fig


def top_models(frame: pd.DataFrame) -> go.Figure:
    """From `dealer_top_models`: cars sold per make and model, best first from the top."""
    labels = frame["make"] + " " + frame["model"]
    fig = px.bar(frame, x="sold", y=labels, orientation="h", labels={"y": "", "sold": "Cars sold"},
                 title="Top models")
    fig.update_yaxes(autorange="reversed")
    _hover(fig, [f"{s} sold for {money(t)}" for s, t in zip(frame["sold"], _exact(frame["total_hammer"]),
                                                            strict=True)], "%{y}<br>%{customdata[0]}")
    return fig


def bid_hours(frame: pd.DataFrame) -> go.Figure:
    """From `dealer_bid_hours`: bids by hour of day in the viewer's zone (all 24 hours present)."""
    fig = px.bar(frame, x="hour", y="bids", labels={"hour": "Hour of day", "bids": "Bids"},
                 title="When bidders bid")
    fig.update_xaxes(tickvals=list(range(0, 24, 3)), ticktext=[f"{h:02d}:00" for h in range(0, 24, 3)])
    return fig


def bids_per_hour(frame: pd.DataFrame, zone: str = "Asia/Kolkata") -> go.Figure:
    """From `bids_per_hour`: bids over time, on the viewer's clock."""
    fig = px.line(x=local(frame["hour"], zone), y=frame["bids"], labels={"y": "Bids"}, title="Bids per hour")
    fig.update_xaxes(title=None, hoverformat="%d %b %Y, %H:%M", tickformat="%d %b")
    return fig


def top_dealers(frame: pd.DataFrame) -> go.Figure:
    """From `top_dealers`: gross hammer per store, biggest first from the top."""
    fig = px.bar(frame, x="gmv", y="store_name", orientation="h", labels={"store_name": ""},
                 title="Top dealers")
    fig.update_yaxes(autorange="reversed")
    _money_axis(fig, frame["gmv"], axis="x")
    _hover(fig, [f"{money(g)} from {n} sales" for g, n in zip(_exact(frame["gmv"]), frame["sales"],
                                                              strict=True)], "%{y}<br>%{customdata[0]}")
    return fig


def registrations(frame: pd.DataFrame, period: str = "day") -> go.Figure:
    """From `registrations` (local periods): new accounts per period."""
    fig = px.bar(frame, x="period_start", y="registrations", labels={"registrations": "New accounts"},
                 title="Registrations")
    _period_axis(fig, frame["period_start"], period)
    names = [f"{period_label(p, period, with_year=True)}: {n} new" for p, n in
             zip(pd.to_datetime(frame["period_start"]), frame["registrations"], strict=True)]
    _hover(fig, names, "%{customdata[0]}")
    return fig


def _exact(values: pd.Series) -> list[Decimal]:
    """Money back to exact paise for the label (the query's DECIMAL arrives as float64)."""
    return [Decimal(str(round(float(v), 2))) for v in values]
