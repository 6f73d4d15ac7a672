"""Fee schedules as people read them, and the band editor admins set them with."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from domain.bidding.fee_schedule import FeeVersion, SaleFees
from domain.bidding.fees import FeeBand, FeeSchedule
from domain.errors import ValidationFailed
from domain.formatting import PAISA
from ui.feedback import reporting_errors
from ui.format import local_time, money

BAND_COLUMNS = {
    "from_price": st.column_config.NumberColumn(
        "From price", min_value=0, step=1, format="plain",
        help="The band applies from this hammer price up to the next."),
    "percent": st.column_config.NumberColumn("Percent", min_value=0, max_value=100, step=0.01),
    "flat": st.column_config.NumberColumn("Flat", min_value=0, step=1, format="plain"),
    "minimum": st.column_config.NumberColumn("Minimum", min_value=0, step=1, format="plain"),
    "maximum": st.column_config.NumberColumn("Maximum (blank: none)", min_value=0, step=1, format="plain"),
}


def band_text(band: FeeBand) -> str:
    """"5 % (min ₹2,000, max ₹25,000)", "₹15,000 flat", "₹5,000 + 1 %"."""
    parts = [money(band.flat)] if band.flat else []
    parts += [f"{band.percent.normalize():f} %"] if band.percent or not parts else []
    limits = [f"min {money(band.minimum)}"] if band.minimum else []
    limits += [f"max {money(band.maximum)}"] if band.maximum is not None else []
    return " + ".join(parts) + (f" ({', '.join(limits)})" if limits else "")


def schedule_text(schedule: FeeSchedule) -> str:
    if len(schedule.bands) == 1:
        return band_text(schedule.bands[0])
    return "; ".join(f"from {money(band.from_price)}: {band_text(band)}" for band in schedule.bands)


def schedule_table(schedule: FeeSchedule) -> None:
    """The bands of a schedule, one row each, with what each band charges."""
    tops: list[Decimal | None] = [band.from_price for band in schedule.bands[1:]] + [None]
    st.dataframe(pd.DataFrame({
        "Hammer price": [f"{money(band.from_price)} and above" if top is None
                         else f"{money(band.from_price)} to under {money(top)}"
                         for band, top in zip(schedule.bands, tops, strict=True)],
        "Fee": [band_text(band) for band in schedule.bands]}), hide_index=True)


def bands_editor(key: str, schedule: FeeSchedule) -> list[FeeBand]:
    """An editable grid of bands, starting from `schedule`; the rows as bands, sorted by price. A row
    that is not numbers is refused with a message (nothing is saved)."""
    frame = pd.DataFrame([{"from_price": float(b.from_price), "percent": float(b.percent),
                           "flat": float(b.flat), "minimum": float(b.minimum),
                           "maximum": float(b.maximum) if b.maximum is not None else None}
                          for b in schedule.bands], columns=list(BAND_COLUMNS))
    edited = st.data_editor(frame, column_config=BAND_COLUMNS, num_rows="dynamic", hide_index=True, key=key)
    rows: list[dict[str, Any]] = edited.to_dict("records")
    bands = [_band(row) for row in rows if not _blank(row.get("from_price"))]
    return sorted(bands, key=lambda band: band.from_price)


def _band(row: dict[str, Any]) -> FeeBand:
    try:
        maximum = None if _blank(row.get("maximum")) else _exact(row["maximum"])
        return FeeBand(_exact(row["from_price"]), _exact(row.get("percent")), _exact(row.get("flat")),
                       _exact(row.get("minimum")), maximum)
    except (InvalidOperation, ValueError):
        problem = "Every cell of a band is a number (leave the maximum blank for none)."
        raise ValidationFailed({"bands": problem}) from None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _exact(value: object) -> Decimal:
    """The grid speaks float; str() spells it as typed (1.005 stays 1.005), so a cell with more than two
    decimals reaches the fee rules, which refuse it, instead of being rounded here without a word."""
    if _blank(value):
        return Decimal(0)
    amount = Decimal(str(value))
    return amount.quantize(PAISA) if amount == amount.quantize(PAISA) else amount


def start_picker(key: str, zone: str) -> datetime | None:
    """When a new schedule takes force: now (None), or a moment the admin announces ahead."""
    later = st.toggle("Takes force later (announce it ahead)", key=f"{key}_later")
    if not later:
        return None
    day, at = st.columns(2)
    date = day.date_input("From date", key=f"{key}_day")
    moment = at.time_input("From time", value=time(0, 0), key=f"{key}_time")
    return datetime.combine(date, moment, tzinfo=ZoneInfo(zone))


def history_table(versions: list[FeeVersion], zone: str) -> None:
    if not versions:
        st.caption("No version set yet: the built-in default applies.")
        return
    st.dataframe(pd.DataFrame({
        "Version": [v.version for v in versions],
        "In force from": [local_time(v.effective_from, zone) for v in versions],
        "Fee": [schedule_text(v.schedule) if v.schedule else "the platform default" for v in versions],
        "Set": [local_time(v.set_at, zone) for v in versions],
        "By (user id)": [str(v.set_by) if v.set_by else "migration" for v in versions],
        "Note": [v.note for v in versions]}), hide_index=True)


def schedule_editor(key: str, current: FeeSchedule, zone: str,
                    save: Callable[[list[FeeBand], datetime | None, str], object]) -> None:
    """The bands in force as a starting point, when the change takes force, a note, and Save: `save`
    gets the edited bands; a refusal is shown and nothing changes. After a save the page runs again, so
    what it shows above (the schedule in force, the history) includes the new version."""
    if saved := st.session_state.pop(f"{key}_saved", None):  # this run follows a save: say so once
        st.success(saved)
    bands = None
    with reporting_errors():
        bands = bands_editor(f"{key}_bands", current)
    start = start_picker(key, zone)
    note = st.text_input("Note (why; shown in the history)", max_chars=300, key=f"{key}_note")
    if st.button("Save as a new version", type="primary", key=f"{key}_save", disabled=bands is None):
        with reporting_errors():
            save(bands or [], start, note)
            st.session_state[f"{key}_saved"] = "Saved: a new version is in force from " + (
                "now." if start is None else f"{local_time(start, zone)}.")
            st.rerun()


def sale_panel(sale: SaleFees) -> None:
    """The sale as booked at the hammer: what the buyer pays and, for the seller's side, the fee."""
    version = f" (schedule v{sale.premium_version})" if sale.premium_version else ""
    lines = [f"Hammer {money(sale.hammer)} + buyer's premium {money(sale.buyer_premium)}{version} = "
             f"**{money(sale.buyer_total)}** for the buyer"]
    if sale.seller_fee is not None:
        fee_version = f" (schedule v{sale.seller_fee_version})" if sale.seller_fee_version else ""
        lines.append(f"Seller fee {money(sale.seller_fee)}{fee_version}: the dealer receives "
                     f"**{money(sale.dealer_earnings)}**")
    st.markdown("**Sale:** " + "  \n".join(lines))
