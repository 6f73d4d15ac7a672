"""Admins take down one lot or one car (not only a whole auction), with a reason, and restore a car.

A lot taken down has every active bid voided (replayed as if never placed), closes as `taken_down`
(never sold: bidding and buy-now need an undecided lot), and everyone it affects is told: its bidders,
its watchers and the dealer. Its car is frozen: the dealer cannot list it again until they edit it
(domain.inventory.cars.car_update) or an admin restores it. One transaction each, under the lot's row
lock, so a bid racing the takedown either lands first (and is voided) or finds the lot closed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select

from data.bid_store import lock_lot
from data.lot_store import lot_replayed
from data.models import Auction, AuditLog, Car, Dealer, Lot
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.validation import checked_text
from domain.bidding.retraction import bids_void_all, lot_standing
from domain.errors import InvalidTransition, NotFound
from domain.notifications import Notices, participants
from domain.permissions import Action, Actor, require
from domain.types import AuctionStatus, CarStatus, LotOutcome


def lot_takedown(actor: Actor, lot_id: int, *, reason: str, now: datetime | None = None) -> None:
    require(actor, Action.TAKE_DOWN_LISTINGS)
    text = checked_text("reason", reason, label="Reason", max_len=300, min_len=5)
    with UnitOfWork() as uow:
        row = lock_lot(uow.session, lot_id)
        if row is None:
            raise NotFound("No such lot.")
        _take_down(uow, actor, row, text, now or utcnow())
        uow.commit()


def car_takedown(actor: Actor, car_id: int, *, reason: str, now: datetime | None = None) -> None:
    """Freeze a car; if a published auction holds it in an undecided lot, take that lot down too."""
    require(actor, Action.TAKE_DOWN_LISTINGS)
    text = checked_text("reason", reason, label="Reason", max_len=300, min_len=5)
    with UnitOfWork() as uow:
        car = _car(uow, car_id)
        if car.status != CarStatus.AVAILABLE:
            raise InvalidTransition(f"This car is {car.status}: only a car on sale can be taken down.")
        lot_id = uow.session.exec(select(Lot.id).join(Auction, col(Auction.id) == Lot.auction_id).where(
            Lot.car_id == car_id, col(Lot.outcome).is_(None),
            Auction.status == AuctionStatus.SCHEDULED)).first()
        row = lock_lot(uow.session, lot_id) if lot_id is not None else None
        if row is not None:
            _take_down(uow, actor, row, text, now or utcnow())
        else:
            _freeze(uow, actor, car, text)
        uow.commit()


def car_restore(actor: Actor, car_id: int, *, note: str = "") -> None:
    """An admin lifts a takedown: the car is on sale again (a taken-down lot stays closed)."""
    require(actor, Action.TAKE_DOWN_LISTINGS)
    text = checked_text("note", note, label="Note", max_len=300, min_len=0)
    with UnitOfWork() as uow:
        car = _car(uow, car_id)
        if car.status != CarStatus.FROZEN:
            raise InvalidTransition("This car is not taken down.")
        car.status, car.updated_at = CarStatus.AVAILABLE, utcnow()
        uow.audit(actor_id=actor.id, action="car_restore", entity="cars", entity_id=car_id,
                  before={"status": CarStatus.FROZEN}, after={"status": car.status, "note": text})
        uow.commit()


def _take_down(uow: UnitOfWork, actor: Actor, row: tuple[Lot, Auction, Dealer], reason: str,
               now: datetime) -> None:
    lot, auction, dealer = row
    if auction.status != AuctionStatus.SCHEDULED or lot.outcome is not None or lot.ends_at <= now:
        raise InvalidTransition("Only a lot of a published auction that has not closed can be taken down.")
    told = participants(uow, lot.id or 0)  # before the voids forget who bid
    before = _lot_snapshot(lot)
    voided = bids_void_all(uow, lot, reason=f"Lot taken down: {reason}", now=now)
    lot_replayed(uow.session, lot.id or 0, lot_standing(uow, lot), outcome=LotOutcome.TAKEN_DOWN, now=now)
    uow.audit(actor_id=actor.id, action="lot_takedown", entity="lots", entity_id=lot.id, before=before,
              after={**_lot_snapshot(lot), "reason": reason, "voided_bids": list(voided)})
    car = uow.session.get(Car, lot.car_id)
    assert car is not None  # a lot's car is never deleted
    _freeze(uow, actor, car, reason)
    notices = Notices.of(uow, lot.id or 0)
    for user_id in sorted(told - {dealer.user_id}):
        notices.taken_down(user_id, reason)
    notices.listing_taken_down(dealer.user_id, reason)


def _freeze(uow: UnitOfWork, actor: Actor, car: Car, reason: str) -> None:
    before = {"status": car.status, "listing_lot_id": car.listing_lot_id}
    car.status, car.updated_at = CarStatus.FROZEN, utcnow()
    car.listing_lot_id = car.listing_price = car.listing_ends_at = None
    uow.audit(actor_id=actor.id, action="car_takedown", entity="cars", entity_id=car.id, before=before,
              after={"status": car.status, "reason": reason})


def _car(uow: UnitOfWork, car_id: int) -> Car:
    car = uow.session.get(Car, car_id)
    if car is None or car.status == CarStatus.WITHDRAWN:
        raise NotFound("No such car.")
    return car


def _lot_snapshot(lot: Lot) -> dict[str, Any]:
    return {"outcome": lot.outcome, "current_price": lot.current_price, "leader_id": lot.leader_id,
            "bid_count": lot.bid_count}


def takedown_reason(actor: Actor, car_id: int) -> str | None:
    """Why the car was last taken down (from the audit log), for its dealer and admins."""
    with UnitOfWork(write=False) as uow:
        car = _car(uow, car_id)
        if not (actor.is_admin or actor.dealer_id == car.dealer_id):
            raise NotFound("No such car.")
        after = uow.session.exec(select(AuditLog.after).where(
            AuditLog.entity == "cars", AuditLog.entity_id == car_id, AuditLog.action == "car_takedown")
            .order_by(col(AuditLog.id).desc())).first()
        return str(after.get("reason", "")) if after else None
