"""A chart with its table view and a download, the shape every analytics figure takes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.files import neutralise
from ui.format import local_time


def chart_with_table(title: str, frame: pd.DataFrame, figure: Callable[[pd.DataFrame], go.Figure],
                     *, key: str) -> None:
    st.subheader(title)
    if frame.empty:
        st.caption("No data in this range.")
        return
    chart, table = st.tabs(["Chart", "Table"])
    chart.plotly_chart(figure(frame), key=f"{key}_chart", width="stretch")
    table.dataframe(frame, hide_index=True, width="stretch")
    safe = frame.map(neutralise).to_csv(index=False).encode()
    st.download_button("Download CSV", safe, file_name=f"{key}.csv", mime="text/csv", key=f"{key}_csv",
                       on_click="ignore")


def date_range(zone: str, *, key: str, days: int = 90) -> tuple[datetime, datetime]:
    """A [start, end) range picked as local dates, in UTC."""
    today = datetime.now(ZoneInfo(zone)).date()
    picked = st.date_input("Dates", (today - timedelta(days=days), today), key=key)
    first, last = (picked if isinstance(picked, tuple) and len(picked) == 2 else (today, today))
    return _local_midnight(first, zone), _local_midnight(last, zone) + timedelta(days=1)


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))


def freshness(fresh_at: datetime | None, zone: str) -> None:
    st.caption("Figures as of " + (local_time(fresh_at, zone) if fresh_at else "— (not built yet)")
               + " · refreshed within seconds of every bid and sale")
