"""Reports for analysts (and admins): sales by lot, bids, dealer statements, the audit log."""

import streamlit as st

from analytics.files import FileFormat
from domain.permissions import Action
from domain.reporting.downloads import download_offer
from domain.reporting.reports import FiguresPreparing, Report, figures_ready, report_export
from ui.charts import date_range, preparing
from ui.feedback import reporting_errors
from ui.session import guard

TITLES = {Report.SALES: "Sales by lot", Report.BIDS: "Bids", Report.DEALER_STATEMENTS: "Dealer statements",
          Report.AUDIT: "Audit log"}

actor = guard(Action.EXPORT_REPORTS)
st.title("Reports")
st.caption("Bidders appear as stable pseudonyms in bid reports"
           + (" (admins see their ids)." if actor.is_admin else ".")
           + " Cells a spreadsheet would run as formulas are neutralised in CSV and Excel."
           + f" Times are in your time zone, {actor.timezone}, and each time column names it.")
report = st.selectbox("Report", list(TITLES), format_func=lambda r: TITLES[r], key="report_kind")
fmt = FileFormat(st.radio("Format", list(FileFormat), horizontal=True, key="report_format",
                          format_func=lambda f: {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet"}[f])
                 or FileFormat.CSV)
start, end = date_range(actor.timezone, key="report_dates", days=365)

clicked = st.button("Prepare report", type="primary", key="report_go")
# A report asked for while this process was still loading the figures starts once they are ready.
if clicked or st.session_state.pop("report_waiting", False):
    bar = st.progress(0.0, text="Writing rows…")

    def show_progress(rows: int) -> None:
        bar.progress(min(0.99, rows / 1_000_000), text=f"{rows:,} rows written…")

    with reporting_errors():
        try:
            path = report_export(actor, report, fmt, start=start, end=end, progress=show_progress)
        except FiguresPreparing as notice:
            bar.empty()
            st.session_state["report_waiting"] = True
            preparing(f"{notice} Your report starts then.", figures_ready)
        bar.progress(1.0, text="Ready")
        # Streamed from disk by the app's /downloads route, never held in the server's memory.
        ticket = download_offer(actor, path, f"{report}.{fmt}")
        st.link_button(f"Download {TITLES[report]}", f"/downloads?ticket={ticket}", type="primary")
        st.caption("The link works once, for you, for ten minutes.")
