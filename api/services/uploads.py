"""Bulk upload through the API: the page's preview and import, in one call."""

from __future__ import annotations

from domain.inventory.bulk_upload import UploadSummary, upload_import, upload_preview, upload_summary
from domain.permissions import Actor


def cars_upload(actor: Actor, dealer_id: int | None, data: bytes, *, dry_run: bool) -> UploadSummary:
    """Check every row (writes nothing); then, unless a dry run, import them all in one transaction.
    A workbook with any invalid row imports nothing: the report says what to fix, row by row."""
    store = dealer_id or 0  # none: the domain refuses (not a dealer) or finds no such store
    report = upload_preview(actor, store, data)
    if dry_run or not report.all_valid:
        return upload_summary(report, 0)
    return upload_summary(report, upload_import(actor, store, report))
