"""The platform's fee schedules: set by admins, audited, versioned; read by everyone signed in.

A change is a new version (a new `fee_schedules` row, never an update) in force from its
`effective_from` (now, or a later moment announced ahead) until the next version of the same kind.
The buyer's premium has one platform schedule. The seller fee has a platform default and, per
dealer, an optional schedule of their own; a dealer version without bands puts that dealer back on the
default. A sale is priced by the versions in force at its hammer and stores the amounts and the
version ids (`fees_at_hammer`), so a later change never reprices it. While the store holds no version
(a fresh test store), the built-in defaults of `domain.bidding.fees` apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import String, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from data.models import Dealer, FeeScheduleBand, FeeScheduleVersion, Sale
from data.types import money_from_minor, utcnow
from data.uow import UnitOfWork
from domain.bidding.fees import (
    CENT,
    DEFAULT_BUYER_PREMIUM,
    DEFAULT_SELLER_FEE,
    FeeBand,
    FeeSchedule,
    SaleAmounts,
    check_bands,
    sale_amounts,
)
from domain.errors import Forbidden, NotFound, ValidationFailed
from domain.permissions import Action, Actor, require
from domain.types import FeeKind

HISTORY = 50


@dataclass(frozen=True)
class HammerFees:
    """A sale's money and the schedule versions that priced it (None: the built-in default)."""

    amounts: SaleAmounts
    premium_version: int | None
    seller_fee_version: int | None


@dataclass(frozen=True)
class FeeVersion:
    """One stored version, for the history an admin reads."""

    version: int
    kind: FeeKind
    dealer_id: int | None
    effective_from: datetime
    set_at: datetime
    set_by: int | None
    note: str
    schedule: FeeSchedule | None  # None: a dealer put back on the platform default


@dataclass(frozen=True)
class FeeOverview:
    """What a signed-in user may know of the fees: the premium now and any announced change, the
    platform's seller fee, and (for a dealer, or an admin asking about one) the dealer's own."""

    buyer_premium: FeeSchedule  # in force now
    buyer_premium_next: FeeSchedule | None  # an announced change, if any
    seller_fee_default: FeeSchedule
    dealer_id: int | None = None
    dealer_seller_fee: FeeSchedule | None = None  # the fee this dealer pays (their own or the default)
    dealer_has_own_fee: bool = False


def _latest(kind: FeeKind, dealer_id: int | None, at: datetime) -> Any:
    owner = col(FeeScheduleVersion.dealer_id).is_(None) if dealer_id is None else (
        col(FeeScheduleVersion.dealer_id) == dealer_id)
    return (select(FeeScheduleVersion).where(FeeScheduleVersion.kind == kind, owner,
                                             col(FeeScheduleVersion.effective_from) <= at)
            .order_by(col(FeeScheduleVersion.effective_from).desc(), col(FeeScheduleVersion.id).desc())
            .limit(1))


def _schedule(uow: UnitOfWork, version: FeeScheduleVersion) -> FeeSchedule | None:
    rows = uow.session.exec(select(FeeScheduleBand).where(FeeScheduleBand.schedule_id == version.id)
                            .order_by(col(FeeScheduleBand.from_price))).all()
    bands = tuple(FeeBand(row.from_price, row.percent, row.flat, row.minimum, row.maximum) for row in rows)
    return FeeSchedule(bands, version.id, version.effective_from) if bands else None


def _in_force(uow: UnitOfWork, kind: FeeKind, dealer_id: int | None, at: datetime) -> FeeSchedule | None:
    version = uow.session.exec(_latest(kind, dealer_id, at)).first()
    return _schedule(uow, version) if version is not None else None


def premium_in_force(uow: UnitOfWork, at: datetime) -> FeeSchedule:
    return _in_force(uow, FeeKind.BUYER_PREMIUM, None, at) or DEFAULT_BUYER_PREMIUM


def premium_as_text(at: Any) -> Any:
    """The premium schedule in force at `at` (a column of the outer query: a lot's close) as one column,
    "version:from:percent:flat:min:max,..." (money in minor units), so the lot board, the busiest read,
    pays no round trip of its own for it; `premium_from_text` reads it back."""
    version, band = FeeScheduleVersion.__table__.c, FeeScheduleBand.__table__.c  # type: ignore[attr-defined]
    latest = (sa_select(version.id)
              .where(version.kind == FeeKind.BUYER_PREMIUM, version.dealer_id.is_(None),
                     version.effective_from <= at)
              .order_by(version.effective_from.desc(), version.id.desc()).limit(1)
              # Two levels down from `at`'s query: left to itself, SQLAlchemy correlates a subquery
              # with its immediate enclosing one only, and would scan every lot here, not the one read.
              .correlate_except(version.id.table).scalar_subquery())
    fields = [cast(band.schedule_id, String), cast(band.from_price, String), cast(band.percent, String),
              cast(band.flat, String), cast(band.minimum, String),
              func.coalesce(cast(band.maximum, String), "")]
    row = fields[0]
    for field in fields[1:]:
        row = row + ":" + field
    return sa_select(func.aggregate_strings(row, ",")).where(band.schedule_id == latest).scalar_subquery()


@lru_cache(maxsize=64)
def premium_from_text(text: str | None) -> FeeSchedule:
    """The schedule `premium_as_text` wrote; the built-in default while the store holds none."""
    rows = [line.split(":") for line in (text or "").split(",") if line]
    if not rows:
        return DEFAULT_BUYER_PREMIUM
    bands = [FeeBand(money_from_minor(int(low)), Decimal(pct).quantize(CENT), money_from_minor(int(flat)),
                     money_from_minor(int(least)), money_from_minor(int(most)) if most else None)
             for _, low, pct, flat, least, most in rows]
    return FeeSchedule(tuple(sorted(bands, key=lambda band: band.from_price)), int(rows[0][0]))


def seller_fee_in_force(uow: UnitOfWork, dealer_id: int, at: datetime) -> FeeSchedule:
    own = _in_force(uow, FeeKind.SELLER_FEE, dealer_id, at)
    return own or _in_force(uow, FeeKind.SELLER_FEE, None, at) or DEFAULT_SELLER_FEE


def fees_at_hammer(uow: UnitOfWork, dealer_id: int, hammer: Decimal, at: datetime) -> HammerFees:
    """The sale's money by the schedules in force at `at` (the hammer), and their versions."""
    premium, seller_fee = premium_in_force(uow, at), seller_fee_in_force(uow, dealer_id, at)
    return HammerFees(sale_amounts(hammer, premium=premium, seller_fee=seller_fee), premium.version,
                      seller_fee.version)


def fee_overview(actor: Actor | None, *, dealer_id: int | None = None) -> FeeOverview:
    """The fees in force now. A dealer sees their own seller fee; an admin any dealer's."""
    if actor is None:
        raise Forbidden("Please sign in first.")
    dealer_id = dealer_id if dealer_id is not None else actor.dealer_id
    if dealer_id is not None and dealer_id != actor.dealer_id:
        require(actor, Action.SET_FEES)
    now = utcnow()
    with UnitOfWork(write=False) as uow:
        upcoming = uow.session.exec(
            select(FeeScheduleVersion).where(FeeScheduleVersion.kind == FeeKind.BUYER_PREMIUM,
                                             col(FeeScheduleVersion.effective_from) > now)
            .order_by(col(FeeScheduleVersion.effective_from), col(FeeScheduleVersion.id)).limit(1)).first()
        overview = FeeOverview(premium_in_force(uow, now), _schedule(uow, upcoming) if upcoming else None,
                               _in_force(uow, FeeKind.SELLER_FEE, None, now) or DEFAULT_SELLER_FEE)
        if dealer_id is None:
            return overview
        _require_dealer(uow, dealer_id)
        own = _in_force(uow, FeeKind.SELLER_FEE, dealer_id, now)
        return replace(overview, dealer_id=dealer_id, dealer_seller_fee=own or overview.seller_fee_default,
                       dealer_has_own_fee=own is not None)


def fee_history(actor: Actor, kind: FeeKind, *, dealer_id: int | None = None) -> list[FeeVersion]:
    """Every version of one schedule, newest first (admins)."""
    require(actor, Action.SET_FEES)
    owner = col(FeeScheduleVersion.dealer_id).is_(None) if dealer_id is None else (
        col(FeeScheduleVersion.dealer_id) == dealer_id)
    with UnitOfWork(write=False) as uow:
        versions = uow.session.exec(
            select(FeeScheduleVersion).where(FeeScheduleVersion.kind == kind, owner)
            .order_by(col(FeeScheduleVersion.effective_from).desc(), col(FeeScheduleVersion.id).desc())
            .limit(HISTORY)).all()
        return [FeeVersion(v.id or 0, FeeKind(v.kind), v.dealer_id, v.effective_from, v.set_at, v.set_by,
                           v.note, _schedule(uow, v)) for v in versions]


def premium_schedule_set(actor: Actor, bands: Sequence[FeeBand], *, effective_from: datetime | None = None,
                         note: str = "") -> FeeSchedule:
    """A new buyer's premium schedule, in force from `effective_from` (default: now)."""
    return _schedule_set(actor, FeeKind.BUYER_PREMIUM, bands, dealer_id=None, effective_from=effective_from,
                         note=note)


def seller_fee_set(actor: Actor, bands: Sequence[FeeBand] | None, *, dealer_id: int | None = None,
                   effective_from: datetime | None = None, note: str = "") -> FeeSchedule:
    """A new seller fee: the platform default (no dealer), or one dealer's own; for a dealer, no bands
    puts them back on the default. Returns the fee that dealer (or the default) pays from then on."""
    if bands is None and dealer_id is None:
        raise ValidationFailed({"bands": "The platform's default seller fee needs at least one band."})
    return _schedule_set(actor, FeeKind.SELLER_FEE, bands, dealer_id=dealer_id, effective_from=effective_from,
                         note=note)


def _schedule_set(actor: Actor, kind: FeeKind, bands: Sequence[FeeBand] | None, *, dealer_id: int | None,
                  effective_from: datetime | None, note: str) -> FeeSchedule:
    """Check everything first (nothing is written on a refusal), then add the version and its audit row."""
    require(actor, Action.SET_FEES)
    now = utcnow()
    start = _checked_start(effective_from, now)
    checked = check_bands(bands) if bands is not None else ()
    note = _checked_note(note)
    with UnitOfWork() as uow:
        if dealer_id is not None:
            _require_dealer(uow, dealer_id)
        before = _in_force(uow, kind, dealer_id, start)
        schedule = schedule_add(uow, kind, checked, dealer_id=dealer_id, effective_from=start,
                                set_by=actor.id, note=note)
        uow.audit(actor_id=actor.id, action=f"{kind}_set", entity="fee_schedules", entity_id=schedule.version,
                  before=_audited(before), after=_audited(schedule) | {"dealer_id": dealer_id, "note": note})
        uow.commit()
    return schedule if checked else seller_fee_default_at(start)


def schedule_add(uow: UnitOfWork, kind: FeeKind, bands: Sequence[FeeBand], *, dealer_id: int | None = None,
                 effective_from: datetime, set_by: int | None = None, note: str = "") -> FeeSchedule:
    """Store one version with its bands (checked by the caller) in `uow`; the services and the demo's
    seeding both write versions through here."""
    version = FeeScheduleVersion(kind=kind, dealer_id=dealer_id, effective_from=effective_from, set_by=set_by,
                                 note=note)
    uow.session.add(version)
    uow.session.flush()
    uow.session.add_all(FeeScheduleBand(schedule_id=version.id or 0, from_price=band.from_price,
                                        percent=band.percent, flat=band.flat, minimum=band.minimum,
                                        maximum=band.maximum) for band in bands)
    return FeeSchedule(tuple(bands), version.id, effective_from)


def seller_fee_default_at(at: datetime) -> FeeSchedule:
    with UnitOfWork(write=False) as uow:
        return _in_force(uow, FeeKind.SELLER_FEE, None, at) or DEFAULT_SELLER_FEE


def _checked_start(effective_from: datetime | None, now: datetime) -> datetime:
    if effective_from is None:
        return now
    if effective_from.tzinfo is None:
        raise ValidationFailed({"effective_from": "Give the time with its time zone."})
    if effective_from < now:
        raise ValidationFailed({"effective_from": "A schedule takes force now or later, never in the past: "
                                                  "sales already made keep the fees they were booked with."})
    return effective_from


def _checked_note(note: str) -> str:
    note = note.strip()
    if len(note) > 300:
        raise ValidationFailed({"note": "The note is at most 300 characters."})
    return note


def _require_dealer(uow: UnitOfWork, dealer_id: int) -> None:
    if uow.session.get(Dealer, dealer_id) is None:
        raise NotFound("No such dealer.")


def _audited(schedule: FeeSchedule | None) -> dict[str, Any]:
    if schedule is None:
        return {}
    return {"version": schedule.version, "effective_from": schedule.effective_from,
            "bands": [{"from_price": b.from_price, "percent": b.percent, "flat": b.flat, "minimum": b.minimum,
                       "maximum": b.maximum} for b in schedule.bands]}


@dataclass(frozen=True)
class SaleFees:
    """A sale's money as booked at the hammer, with the schedule versions that priced it."""

    hammer: Decimal
    buyer_premium: Decimal
    buyer_total: Decimal
    seller_fee: Decimal | None  # None: not this viewer's to see (a buyer sees what they pay, not the fee)
    dealer_earnings: Decimal | None
    premium_version: int | None
    seller_fee_version: int | None


def sale_fees(actor: Actor, lot_id: int) -> SaleFees | None:
    """The lot's sale for its buyer, its store or an admin; None when unsold or not theirs to see."""
    with UnitOfWork(write=False) as uow:
        sale = uow.session.exec(select(Sale).where(Sale.lot_id == lot_id)).first()
        store = uow.session.get(Dealer, sale.dealer_id) if sale else None
    if sale is None or store is None:
        return None
    seller_side = actor.is_admin or actor.dealer_id == store.id
    if not seller_side and actor.id != sale.buyer_id:
        return None
    return SaleFees(sale.hammer, sale.buyer_premium, sale.buyer_total,
                    sale.seller_fee if seller_side else None, sale.dealer_earnings if seller_side else None,
                    sale.premium_schedule_id, sale.seller_fee_schedule_id if seller_side else None)
