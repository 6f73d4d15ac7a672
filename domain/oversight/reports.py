"""Reports: any signed-in user may report a listing, its seller or one of its bidders (named by the
lot's pseudonym, never by name), with a reason from a list and an optional note.

One report per reporter and subject (the unique key settles a double submission); nobody reports
themselves; at most REPORTS_PER_USER_PER_HOUR each. A report counts against an account: the bidder's,
or for a listing or its seller the dealer's; past a threshold of distinct reporters in a rolling
window, the account is flagged into the review queue in the same transaction (reviews.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from data.models import Auction, Dealer, Lot, LotBidder, Report
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.validation import clean_text
from domain.bidding.board import handle
from domain.errors import AlreadyReported, Forbidden, NotFound, ValidationFailed
from domain.oversight import limits
from domain.oversight.reviews import flag_if_reported_too_often
from domain.permissions import Actor
from domain.types import AuctionStatus


class ReportAbout(StrEnum):
    LISTING = "listing"
    SELLER = "seller"
    BIDDER = "bidder"


class ReportReason(StrEnum):
    MISLEADING = "misleading"
    FRAUD = "fraud"
    SHILL_BIDDING = "shill_bidding"
    NOT_PAYING = "not_paying"
    ABUSIVE = "abusive"
    OTHER = "other"


REASON_LABELS = {
    ReportReason.MISLEADING: "Misleading description or photos",
    ReportReason.FRAUD: "Suspected fraud or scam",
    ReportReason.SHILL_BIDDING: "Shill bidding (raising the price for the seller)",
    ReportReason.NOT_PAYING: "Won and did not pay",
    ReportReason.ABUSIVE: "Abusive or offensive",
    ReportReason.OTHER: "Something else (say what in the note)",
}
NOTE_MAX = 500


@dataclass(frozen=True)
class _Subject:
    key: str  # what one reporter may report once: "lot:12", "seller:4", "bidder:12:77"
    accused_id: int  # the account the report counts against


@dataclass(frozen=True)
class ReportFiled:
    """What the reporter learns: the report's number (never who else reported)."""

    id: int


def report_file(actor: Actor, *, lot_id: int, about: str, reason: str, note: str = "",
                bidder: str | None = None, now: datetime | None = None) -> int:
    """File a report about lot `lot_id`, its seller, or its bidder named `bidder` (the lot's
    pseudonym); its id. Refused, and nothing stored: yourself, twice, or past the hourly limit."""
    about_, reason_, note_ = _checked(about, reason, note)
    limits.check_report(actor, now)
    now = now or utcnow()
    with UnitOfWork() as uow:
        subject = _subject(uow, lot_id, about_, bidder)
        if subject.accused_id == actor.id:
            raise Forbidden("You cannot report yourself or your own listings.")
        report = Report(reporter_id=actor.id, subject=subject.key, lot_id=lot_id, about=about_,
                        accused_id=subject.accused_id, reason=reason_, note=note_, created_at=now)
        _add_once(uow, report)
        uow.audit(actor_id=actor.id, action="report", entity="reports", entity_id=report.id,
                  after={"lot_id": lot_id, "about": about_, "reason": reason_})
        flag_if_reported_too_often(uow, subject.accused_id, now)
        uow.commit()
        return report.id or 0


def _checked(about: str, reason: str, note: str) -> tuple[ReportAbout, ReportReason, str]:
    problems: dict[str, str] = {}
    if about not in ReportAbout.__members__.values():
        problems["about"] = "Choose what you report: the listing, the seller or a bidder."
    if reason not in ReportReason.__members__.values():
        problems["reason"] = "Choose a reason from the list."
    try:
        cleaned = clean_text(note or "", label="Note", max_len=NOTE_MAX, min_len=0)
    except ValueError as error:
        problems["note"], cleaned = str(error), ""
    if problems:
        raise ValidationFailed(problems)
    return ReportAbout(about), ReportReason(reason), cleaned


def _subject(uow: UnitOfWork, lot_id: int, about: ReportAbout, bidder: str | None) -> _Subject:
    row = uow.session.exec(select(Auction.status, Dealer.id, Dealer.user_id)
                           .join(Lot, col(Lot.auction_id) == Auction.id)
                           .join(Dealer, col(Dealer.id) == Auction.dealer_id)
                           .where(Lot.id == lot_id)).first()
    if row is None or row[0] == AuctionStatus.DRAFT:
        raise NotFound("No such lot.")
    _status, dealer_id, dealer_user_id = row
    if about == ReportAbout.LISTING:
        return _Subject(f"lot:{lot_id}", dealer_user_id)
    if about == ReportAbout.SELLER:
        return _Subject(f"seller:{dealer_id}", dealer_user_id)
    bidder_id = _bidder_named(uow, lot_id, bidder or "")
    return _Subject(f"bidder:{lot_id}:{bidder_id}", bidder_id)


def _bidder_named(uow: UnitOfWork, lot_id: int, name: str) -> int:
    """The bidder behind the lot's pseudonym `name`: the lot's bidders are few, so each is hashed."""
    bidders = uow.session.exec(select(LotBidder.bidder_id).where(LotBidder.lot_id == lot_id)).all()
    matches = [bidder for bidder in bidders if handle(bidder, lot_id) == name.strip()]
    if len(matches) != 1:
        raise ValidationFailed({"bidder": "No bidder of that name on this lot: pick one from its history."})
    return matches[0]


def _add_once(uow: UnitOfWork, report: Report) -> None:
    """The reporter's first report of this subject; a second (or a double click) is refused clearly."""
    taken = uow.session.exec(select(Report.id).where(Report.reporter_id == report.reporter_id,
                                                     Report.subject == report.subject)).first()
    if taken is not None:
        raise AlreadyReported("You have already reported this; an admin will look at it.")
    uow.session.add(report)
    try:
        uow.session.flush()
    except IntegrityError:  # the same report committed by a concurrent submission meanwhile
        raise AlreadyReported("You have already reported this; an admin will look at it.") from None
