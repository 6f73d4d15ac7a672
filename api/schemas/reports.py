from __future__ import annotations

from pydantic import Field

from api.strict import StrictIn
from domain.oversight.reports import NOTE_MAX, ReportAbout, ReportReason


class ReportIn(StrictIn):
    lot_id: int = Field(ge=1, le=2**31 - 1, description="The lot the report is about, or was seen on")
    about: ReportAbout = Field(description="The listing itself, its seller, or one of its bidders")
    bidder: str | None = Field(default=None, max_length=40,
                               description="With about=bidder: the bidder's pseudonym on this lot")
    reason: ReportReason
    note: str = Field(default="", max_length=NOTE_MAX)
