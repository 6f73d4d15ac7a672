"""Bulk upload through the API: the page's preview and import, in one call."""

from __future__ import annotations

from dataclasses import dataclass

from domain.inventory.bulk_upload import UploadReport, upload_import, upload_preview
from domain.permissions import Actor


@dataclass(frozen=True)
class UploadResult:
    report: UploadReport
    imported: int


def cars_upload(actor: Actor, dealer_id: int | None, data: bytes, *, dry_run: bool) -> UploadResult:
    """Check every row (writes nothing); then, unless a dry run, import them all in one transaction.
    A workbook with any invalid row imports nothing: the report says what to fix, row by row."""
    store = dealer_id or 0  # none: the domain refuses (not a dealer) or finds no such store
    report = upload_preview(actor, store, data)
    if dry_run or not report.all_valid:
        return UploadResult(report, 0)
    return UploadResult(report, upload_import(actor, store, report))
