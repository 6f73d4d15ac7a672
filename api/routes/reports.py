"""POST /reports: report a listing, its seller or one of its bidders (by the lot's pseudonym)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentActor
from api.envelope import Envelope, ok
from api.schemas.reports import ReportIn
from domain.oversight.reports import ReportFiled, report_file

router = APIRouter(prefix="/reports", tags=["reports"])


@router.post("", status_code=201)
def report_create(actor: CurrentActor, body: ReportIn) -> Envelope[ReportFiled]:
    """One report per listing, seller or bidder; not about yourself; at most REPORTS_PER_USER_PER_HOUR."""
    report_id = report_file(actor, lot_id=body.lot_id, about=body.about, reason=body.reason, note=body.note,
                            bidder=body.bidder)
    return ok(ReportFiled(report_id), "Report sent to the admins.")
