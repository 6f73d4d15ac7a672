"""Upload cars from Excel (FR10): download the template, upload it filled in, check the preview, import."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from analytics.files import safe_csv
from domain.inventory import bulk_upload
from domain.inventory.bulk_upload import UploadReport
from domain.permissions import Action, Actor
from ui.feedback import reporting_errors
from ui.session import guard

REPORT_KEY = "upload_report"  # (file id, report): a cache of this upload's preview
DONE_KEY = "upload_done"  # the file id already imported, so a rerun does not offer it again
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WRAPPED_ROW_PX = 104  # above 64 px the table wraps text: four or five problems show in full


def verified_store(actor: Actor) -> int:
    if actor.dealer_id is None or not actor.dealer_verified:
        st.warning("Uploading cars needs a store verified by an admin. Apply on “Become a dealer”; "
                   "once your store is verified you can upload your inventory here.")
        st.stop()
    return actor.dealer_id


def preview(actor: Actor, dealer_id: int, upload: UploadedFile) -> UploadReport | None:
    """The preview of this upload, checked once and then kept for the reruns that follow."""
    cached = st.session_state.get(REPORT_KEY)
    if cached is not None and cached[0] == upload.file_id:
        kept: UploadReport = cached[1]
        return kept
    bar = st.progress(0.0, text="Checking every row…")
    report: UploadReport | None = None
    with reporting_errors():
        report = bulk_upload.upload_preview(actor, dealer_id, upload.getvalue(), progress=bar.progress)
        st.session_state[REPORT_KEY] = (upload.file_id, report)
    bar.empty()
    return report  # None when the file was refused; the reason is shown


def show(report: UploadReport) -> None:
    if report.all_valid:
        st.success(f"All {report.total:,} rows are valid.")
    else:
        st.error(f"{report.invalid_count:,} of {report.total:,} rows have problems. Fix them in your "
                 "workbook and upload it again; nothing is imported until every row is valid.")
    table = pd.DataFrame(bulk_upload.report_rows(report))
    st.dataframe(table, hide_index=True, row_height=None if report.all_valid else WRAPPED_ROW_PX,
                 column_config={"Problems": st.column_config.TextColumn(width="large")})
    if not report.all_valid:  # every problem in full, with cells a spreadsheet would run neutralised
        st.download_button("Download the problems (CSV)", safe_csv(table), file_name="problems.csv",
                           mime="text/csv", key="upload_problems", on_click="ignore")


def import_button(report: UploadReport) -> bool:
    if not report.all_valid:
        st.button("Import (every row must be valid first)", key="upload_import", disabled=True)
        return False
    return st.button(f"Import {report.total:,} cars", key="upload_import", type="primary")


actor = guard(Action.MANAGE_OWN_STORE)
st.title("Upload cars from Excel")
dealer_id = verified_store(actor)
st.write(f"Fill in the template, one car per row (up to {bulk_upload.MAX_ROWS:,} cars and "
         f"{bulk_upload.MAX_BYTES // 2**20} MB). Every row is checked before anything is imported, "
         "and the import adds all of them or none.")
st.download_button("Download the template", data=bulk_upload.upload_template, file_name="cars.xlsx",
                   mime=XLSX, key="upload_template", icon=":material/download:", on_click="ignore")
# no size cap of its own: the uploader would refuse a larger file with only a red icon, while the
# check below says why in words (the server's maxUploadSize still bounds what arrives)
upload = st.file_uploader("Your workbook", type=["xlsx"], key="upload_file")
if upload is None:
    st.stop()
if st.session_state.get(DONE_KEY) == upload.file_id:
    st.success("These cars are in your store. Upload another workbook to add more.")
    st.stop()
report = preview(actor, dealer_id, upload)
if report is None:
    st.stop()
show(report)
if import_button(report):
    st.session_state.pop(REPORT_KEY, None)  # whatever happens, the next run checks the file afresh
    with reporting_errors():
        added = bulk_upload.upload_import(actor, dealer_id, report)
        st.session_state[DONE_KEY] = upload.file_id
        st.success(f"Imported {added:,} cars into your store.")
