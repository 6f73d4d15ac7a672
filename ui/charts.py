"""A chart with its table view and a download, the shape every analytics figure takes; the figures'
age; and the short wait while a process prepares its first copy of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.files import neutralise
from data.types import utcnow
from ui.format import age, local_time, money

# Column names as the queries return them -> what a reader sees. Money columns say their currency.
LABELS = {
    "role": "Role", "registered": "Accounts", "active_30d": "Active in the last 30 days",
    "period_start": "Period starting", "sales": "Sales", "hammer": "Hammer (₹)",
    "seller_fees": "Seller fees (₹)", "earnings": "Earnings (₹)", "make": "Make", "model": "Model",
    "sold": "Cars sold", "total_hammer": "Total hammer (₹)", "avg_hammer": "Average hammer (₹)",
    "hour": "Hour", "bids": "Bids", "bidders": "Bidders", "bid_id": "Bid", "placed_at": "Placed at",
    "price": "Price (₹)", "dealer_id": "Dealer id", "store_name": "Store", "city": "City",
    "gmv": "Gross hammer (₹)", "platform_revenue": "Platform revenue (₹)",
    "registrations": "New accounts",
}  # fmt: skip


def chart_with_table(title: str, frame: pd.DataFrame, figure: Callable[[pd.DataFrame], go.Figure],
                     *, key: str, zone: str) -> None:
    st.subheader(title)
    if frame.empty:
        st.caption("No data in this range.")
        return
    chart, table_tab = st.tabs(["Chart", "Table"])
    chart.plotly_chart(figure(frame), key=f"{key}_chart", width="stretch")
    with table_tab:
        table(frame, zone)
    shown = readable(frame, zone).rename(columns=LABELS)
    safe = shown.map(neutralise).to_csv(index=False).encode()
    st.download_button("Download CSV", safe, file_name=f"{key}.csv", mime="text/csv", key=f"{key}_csv",
                       on_click="ignore")


def table(frame: pd.DataFrame, zone: str) -> None:
    """A query's rows with human column names, times on the viewer's clock, money as ₹ in the app's
    grouping (shown as text, sorted as numbers)."""
    shown = readable(frame, zone)
    st.dataframe(shown.style.format(_cell_formats(shown)), hide_index=True, width="stretch",
                 column_config=columns(frame))


def _cell_formats(frame: pd.DataFrame) -> dict[str, Callable[[Any], str]]:
    """How money and time cells read (a styled table shows these texts, and sorts by the values)."""
    formats: dict[str, Callable[[Any], str]] = {}
    for name in frame.columns:
        if "(₹)" in LABELS.get(name, ""):
            formats[name] = _money_cell
        elif pd.api.types.is_datetime64_any_dtype(frame[name]):
            formats[name] = partial(_time_cell, pattern="%d %b %Y" if name == "period_start" else
                                    "%d %b %Y, %H:%M")
    return formats


def _time_cell(moment: Any, pattern: str) -> str:
    return "—" if pd.isna(moment) else str(moment.strftime(pattern))


def _money_cell(value: object) -> str:
    return "—" if pd.isna(value) else money(Decimal(str(round(float(value), 2))))  # type: ignore[arg-type]


def readable(frame: pd.DataFrame, zone: str) -> pd.DataFrame:
    """Zone-aware (UTC) time columns as the viewer's wall-clock times."""
    out = frame.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.DatetimeTZDtype):
            out[name] = out[name].dt.tz_convert(zone).dt.tz_localize(None)
    return out


def columns(frame: pd.DataFrame) -> dict[str, Any]:
    """Human labels for a query's columns."""
    return {name: st.column_config.Column(LABELS.get(name, name.replace("_", " ").capitalize()))
            for name in frame.columns}


def date_range(zone: str, *, key: str, days: int = 90) -> tuple[datetime, datetime]:
    """A [start, end) range picked as local dates, in UTC."""
    today = datetime.now(ZoneInfo(zone)).date()
    picked = st.date_input("Dates", (today - timedelta(days=days), today), key=key)
    first, last = (picked if isinstance(picked, tuple) and len(picked) == 2 else (today, today))
    return _local_midnight(first, zone), _local_midnight(last, zone) + timedelta(days=1)


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))


def freshness(fresh_at: datetime | None, zone: str) -> None:
    if fresh_at is None:
        st.caption("Figures as of — (not built yet)")
        return
    st.caption(f"Figures as of {local_time(fresh_at, zone)} ({age(fresh_at, utcnow())}) · "
               "kept fresh in the background, within seconds of every bid and sale")


def preparing(message: str, ready: Callable[[], bool]) -> NoReturn:
    """Say the figures are on their way, and show them as soon as this process has them."""
    st.info(message, icon="⏳")

    @st.fragment(run_every=timedelta(seconds=2))
    def _wait() -> None:
        if ready():
            st.rerun()

    _wait()
    st.stop()
