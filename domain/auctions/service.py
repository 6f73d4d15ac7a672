"""Auctions (FR11-FR14): a verified dealer builds a draft with lots, publishes it, and may edit or
cancel it until it starts; once live only the description changes; an admin may cancel any auction
with a reason bidders see. Every change is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, or_, select

from data.lot_store import lots_cancelled
from data.models import Auction, Car, Lot
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.validation import checked_text
from domain.auctions.lifecycle import Phase, auction_phase
from domain.auctions.rules import AuctionSpec, check_auction
from domain.auctions.soft_close_cap import with_soft_close_cap
from domain.errors import InvalidTransition, NotFound, ValidationFailed
from domain.inventory.cars import lot_holds_its_car, require_verified_store
from domain.notifications import Notices, participants
from domain.permissions import Actor, require_store_owner
from domain.types import AuctionStatus, CarStatus

AUCTION_FIELDS = ("title", "description", "starts_at", "ends_at", "latest_end_at", "soft_close_window_s",
                  "soft_close_extension_s")


def auction_snapshot(auction: Auction) -> dict[str, Any]:
    return {name: getattr(auction, name) for name in (*AUCTION_FIELDS, "status", "cancel_reason")}


def phase_of(uow: UnitOfWork, auction: Auction, now: datetime) -> Phase:
    ends = uow.session.exec(select(Lot.ends_at).where(Lot.auction_id == auction.id)).all()
    return auction_phase(auction.status, auction.starts_at, ends, now)


def auction_create(actor: Actor, dealer_id: int, spec: AuctionSpec) -> Auction:
    """A draft with its lots. Nothing is visible to bidders until it is published."""
    now = utcnow()
    check_auction(spec, now=now)
    spec = with_soft_close_cap(spec)
    with UnitOfWork() as uow:
        require_verified_store(uow, actor, dealer_id)
        auction = Auction(dealer_id=dealer_id, status=AuctionStatus.DRAFT, **_auction_values(spec))
        uow.session.add(auction)
        uow.session.flush()
        _add_lots(uow, auction, spec, dealer_id)
        uow.audit(actor_id=actor.id, action="auction_create", entity="auctions", entity_id=auction.id,
                  after=auction_snapshot(auction) | {"lots": len(spec.lots)})
        uow.commit()
        return auction


def _auction_values(spec: AuctionSpec) -> dict[str, Any]:
    return {"title": spec.title.strip(), "description": spec.description.strip(),
            "starts_at": spec.starts_at, "ends_at": spec.lot_ends()[-1],
            "latest_end_at": spec.latest_end_at, "soft_close_window_s": spec.soft_close_window_s,
            "soft_close_extension_s": spec.soft_close_extension_s, "updated_at": utcnow()}


def _add_lots(uow: UnitOfWork, auction: Auction, spec: AuctionSpec, dealer_id: int) -> None:
    _check_cars_free(uow, [lot.car_id for lot in spec.lots], dealer_id, auction.id)
    for number, (lot, ends_at) in enumerate(zip(spec.lots, spec.lot_ends(), strict=True), start=1):
        uow.session.add(Lot(auction_id=auction.id or 0, car_id=lot.car_id, lot_number=number,
                            starting_price=lot.starting_price, reserve_price=lot.reserve_price,
                            buy_now_price=lot.buy_now_price, ends_at=ends_at))


def _check_cars_free(uow: UnitOfWork, car_ids: list[int], dealer_id: int, auction_id: int | None) -> None:
    """Each car must be this store's, in stock, and not in another open auction."""
    cars = {car.id: car for car in uow.session.exec(select(Car).where(col(Car.id).in_(car_ids)))}
    problems = {}
    for car_id in car_ids:
        car = cars.get(car_id)
        if car is None or car.dealer_id != dealer_id or car.status != CarStatus.AVAILABLE:
            problems[f"car {car_id}"] = "Not one of your cars in stock."
    busy = uow.session.exec(
        select(Lot.car_id).join(Auction, col(Auction.id) == Lot.auction_id).where(
            col(Lot.car_id).in_(car_ids), Lot.auction_id != (auction_id or 0), lot_holds_its_car())).all()
    for car_id in busy:
        problems.setdefault(f"car {car_id}", "Already in another open auction.")
    if problems:
        raise ValidationFailed(problems)


def auction_update(actor: Actor, auction_id: int, spec: AuctionSpec) -> Auction:
    """Before the start everything may change (lots are rebuilt); once live, only the description."""
    now = utcnow()
    with UnitOfWork() as uow:
        auction = _own_auction(uow, actor, auction_id)
        phase, before = phase_of(uow, auction, now), auction_snapshot(auction)
        if phase == Phase.LIVE:
            auction.description = checked_text("description", spec.description, label="Description",
                                               max_len=5000, min_len=0)
        elif phase in (Phase.DRAFT, Phase.UPCOMING):
            check_auction(spec, now=now)
            spec = with_soft_close_cap(spec)
            _replace_lots(uow, auction, spec, now)
        else:
            raise InvalidTransition(f"A {phase} auction cannot be changed.")
        auction.updated_at = now
        uow.audit(actor_id=actor.id, action="auction_update", entity="auctions", entity_id=auction_id,
                  before=before, after=auction_snapshot(auction))
        uow.commit()
        return auction


def _replace_lots(uow: UnitOfWork, auction: Auction, spec: AuctionSpec, now: datetime) -> None:
    _unlist_cars(uow, auction.id or 0)
    for lot in uow.session.exec(select(Lot).where(Lot.auction_id == auction.id)).all():
        uow.session.delete(lot)
    uow.session.flush()
    for name, value in _auction_values(spec).items():
        setattr(auction, name, value)
    _add_lots(uow, auction, spec, auction.dealer_id)
    uow.session.flush()
    if auction.status == AuctionStatus.SCHEDULED:
        _list_cars(uow, auction.id or 0)


def auction_publish(actor: Actor, auction_id: int) -> Auction:
    now = utcnow()
    with UnitOfWork() as uow:
        auction = _own_auction(uow, actor, auction_id)
        if auction.status != AuctionStatus.DRAFT:
            raise InvalidTransition("Only a draft can be published.")
        if auction.starts_at < now:
            raise InvalidTransition("The start time has passed: edit the draft's times, then publish.")
        auction.status, auction.updated_at = AuctionStatus.SCHEDULED, now
        _list_cars(uow, auction_id)
        uow.audit(actor_id=actor.id, action="auction_publish", entity="auctions", entity_id=auction_id,
                  after=auction_snapshot(auction))
        uow.commit()
        return auction


def _list_cars(uow: UnitOfWork, auction_id: int) -> None:
    """Browsing reads price and closing time from the car row: set them for each lot's car."""
    for lot in uow.session.exec(select(Lot).where(Lot.auction_id == auction_id)).all():
        car = uow.session.get(Car, lot.car_id)
        assert car is not None
        car.listing_lot_id, car.listing_ends_at = lot.id, lot.ends_at
        car.listing_price = lot.current_price or lot.starting_price


def _unlist_cars(uow: UnitOfWork, auction_id: int) -> None:
    lot_ids = select(Lot.id).where(Lot.auction_id == auction_id)
    uow.session.execute(update(Car).where(col(Car.listing_lot_id).in_(lot_ids))
                        .values(listing_lot_id=None, listing_price=None, listing_ends_at=None))
    changed = uow.session.exec(select(Lot.car_id).where(Lot.auction_id == auction_id)).all()
    uow.record_change("cars", changed)


def auction_cancel(actor: Actor, auction_id: int, *, reason: str) -> Auction:
    """The dealer cancels before the start; after it, only an admin can, and bidders see why. An ended
    auction's results stand: cancelling it would free cars that are sold or awaiting the dealer's answer."""
    note = checked_text("reason", reason, label="Reason", max_len=500, min_len=5)
    now = utcnow()
    with UnitOfWork() as uow:
        auction = _auction(uow, auction_id)
        require_store_owner(actor, auction.dealer_id)
        phase = phase_of(uow, auction, now)
        if phase in (Phase.DRAFT, Phase.CANCELLED):
            raise InvalidTransition("Only a published auction can be cancelled; delete a draft instead.")
        if phase == Phase.ENDED:
            raise InvalidTransition("This auction has ended: it can no longer be cancelled, its results "
                                    "stand.")
        if phase != Phase.UPCOMING and not actor.is_admin:
            raise InvalidTransition("This auction has started: only an admin can cancel it now.")
        before = auction_snapshot(auction)
        auction.status, auction.cancel_reason, auction.updated_at = AuctionStatus.CANCELLED, note, now
        _unlist_cars(uow, auction_id)
        _withdraw_decisions(uow, auction)
        _tell_participants(uow, auction)
        uow.audit(actor_id=actor.id, action="auction_cancel", entity="auctions", entity_id=auction_id,
                  before=before, after=auction_snapshot(auction))
        uow.commit()
        return auction


def _withdraw_decisions(uow: UnitOfWork, auction: Auction) -> None:
    """Lots that closed below reserve can no longer be accepted: their cars go back in stock and their
    high bidders are told. The same guarded update as the dealer's answer (`decision = 'pending'`), so
    of the two only one applies. Lots still open change too: their boards show the cancellation."""
    lots_cancelled(uow.session, auction.id or 0)


def _tell_participants(uow: UnitOfWork, auction: Auction) -> None:
    """Every bidder and watcher of the lots that were still to be decided (open, upcoming, or awaiting
    the dealer's answer) learns the auction was cancelled, and why."""
    lots = uow.session.exec(select(Lot.id).where(
        Lot.auction_id == auction.id,
        or_(col(Lot.outcome).is_(None), col(Lot.decision) == "cancelled"))).all()
    for lot_id in lots:
        notices = Notices.of(uow, lot_id or 0)
        for user_id in sorted(participants(uow, lot_id or 0)):
            notices.auction_cancelled(user_id, auction.cancel_reason or "")


def auction_delete(actor: Actor, auction_id: int) -> None:
    """Only a draft is deleted; anything bidders have seen is cancelled instead."""
    with UnitOfWork() as uow:
        auction = _own_auction(uow, actor, auction_id)
        if auction.status != AuctionStatus.DRAFT:
            raise InvalidTransition("Only a draft can be deleted; a published auction can be cancelled.")
        before = auction_snapshot(auction)
        for lot in uow.session.exec(select(Lot).where(Lot.auction_id == auction_id)).all():
            uow.session.delete(lot)
        uow.session.flush()
        uow.session.delete(auction)
        uow.audit(actor_id=actor.id, action="auction_delete", entity="auctions", entity_id=auction_id,
                  before=before)
        uow.commit()


def _auction(uow: UnitOfWork, auction_id: int) -> Auction:
    auction = uow.session.get(Auction, auction_id)
    if auction is None:
        raise NotFound("No such auction.")
    return auction


def _own_auction(uow: UnitOfWork, actor: Actor, auction_id: int) -> Auction:
    auction = _auction(uow, auction_id)
    require_verified_store(uow, actor, auction.dealer_id)
    return auction
