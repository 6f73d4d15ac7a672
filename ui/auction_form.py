"""The "create an auction" form: settings, then one row of prices per picked car.

Only the "Save draft" button saves (Enter in a field must not send a half-filled draft), and the
price grid holds numbers, so a price still to be typed is an empty cell rather than the text "None".
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from domain.auctions.rules import AuctionSpec, lots_from_rows

PRICE_COLUMNS = {
    "car": st.column_config.TextColumn("Car", disabled=True),
    "starting_price": st.column_config.NumberColumn(
        "Starting price", min_value=1, step=1, format="plain",
        help="Blank: the starting price for lots left blank, above."),
    "reserve_price": st.column_config.NumberColumn(
        "Reserve (optional)", min_value=1, step=1, format="plain",
        help="Hidden from bidders: below it, you decide whether to sell."),
    "buy_now_price": st.column_config.NumberColumn(
        "Buy now (optional)", min_value=1, step=1, format="plain"),
}


def auction_form(ready: dict[int, str], picked: list[int], zone: ZoneInfo) -> AuctionSpec | None:
    """The form; the dealer's spec once "Save draft" is pressed (None until then)."""
    with st.form("auction_new", enter_to_submit=False):
        title = st.text_input("Title", key="a_title", max_chars=150)
        description = st.text_area("Description", key="a_description", max_chars=5000)
        day = st.date_input("Start date", value=datetime.now(zone).date() + timedelta(days=1), key="a_day")
        start = st.time_input("Start time", value=time(10, 0), key="a_time")
        hours = st.number_input("First lot closes after (hours)", 0.25, 720.0, 2.0, 0.25, key="a_hours")
        interval = st.number_input("Seconds between lot closings", 0, 600, 60, key="a_interval")
        window = st.number_input("Closing window (minutes)", 0, 10, 2, key="a_window")
        extension = st.number_input("Extension per late bid (minutes)", 1, 10, 2, key="a_extension")
        cap = st.number_input("Latest end, hours after the first lot closes (0: the default, 30 minutes "
                              "after the last lot closes)", 0.0, 72.0, 0.0, 0.5, key="a_latest")
        default_start = st.number_input("Starting price for lots left blank below", 0, None, 0, 1000,
                                        key="a_default_start")
        prices = price_grid(ready, picked)
        if not st.form_submit_button("Save draft", type="primary"):
            return None
    starts = datetime.combine(day, start, tzinfo=zone)
    first_close = starts + timedelta(hours=float(hours))
    return AuctionSpec(title=title, description=description, starts_at=starts, ends_at=first_close,
                       lots=lots_from_rows(prices, default_start=default_start or None),
                       lot_interval_s=int(interval), soft_close_window_s=int(window) * 60,
                       soft_close_extension_s=int(extension) * 60,
                       latest_end_at=first_close + timedelta(hours=float(cap)) if cap else None)


def price_grid(ready: dict[int, str], picked: list[int]) -> list[dict[str, Any]]:
    """One row per picked car; the car id travels along hidden, the dealer reads the car's name."""
    blank = pd.Series([float("nan")] * len(picked), dtype="float64")
    frame = pd.DataFrame({"car_id": picked, "car": [ready[car_id] for car_id in picked],
                          "starting_price": blank, "reserve_price": blank, "buy_now_price": blank})
    edited = st.data_editor(frame, column_config={"car_id": None, **PRICE_COLUMNS}, hide_index=True,
                            disabled=["car_id", "car"], key="a_prices")
    rows: list[dict[str, Any]] = edited.to_dict("records")
    return rows
