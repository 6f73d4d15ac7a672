"""Cars (FR6-FR9): a verified dealer lists, edits and removes their own cars.

While a car is in a live auction only its description and photos may change, and each such change is
recorded and flagged on the lot; a sold car, or one whose lot has closed and awaits settlement, is
frozen. Photos go through `domain.inventory.photos` and into the media store.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlmodel import and_, col, or_, select

from data.bulk import cars_insert_many, vin_ids
from data.lot_store import lot_listing_edited
from data.media import get_media_store
from data.models import Auction, Car, CarUpdate, Dealer, Lot
from data.types import utcnow
from data.uow import UnitOfWork
from domain.auctions.decisions import awaiting_decision
from domain.errors import DealerNotVerified, InvalidTransition, NotFound, ValidationFailed
from domain.inventory.photos import MAX_PHOTOS, photo_prepare
from domain.inventory.rules import CAR_FIELDS, clean_car
from domain.inventory.views import CarView
from domain.permissions import Actor, require_store_owner
from domain.types import AuctionStatus, CarStatus, DealerStatus

LIVE_EDITABLE = {"description", "photos"}
Photo = tuple[str, bytes]  # (file name, bytes) as uploaded


class CarLock(StrEnum):
    FREE = "free"  # in stock, or in a draft or upcoming auction: everything may change
    LIVE = "live"  # bidding is open: description and photos only
    FROZEN = "frozen"  # sold, or closed and awaiting settlement: nothing changes


def require_verified_store(uow: UnitOfWork, actor: Actor, dealer_id: int) -> Dealer:
    require_store_owner(actor, dealer_id)
    dealer = uow.session.get(Dealer, dealer_id)
    if dealer is None:
        raise NotFound("No such store.")
    if dealer.status != DealerStatus.VERIFIED:
        raise DealerNotVerified("Your store must be verified by an admin before it can list cars.")
    return dealer


def car_create(actor: Actor, dealer_id: int, fields: Mapping[str, Any],
               photos: Sequence[Photo] = ()) -> Car:
    clean = clean_car(fields)
    keys = _store_photos(photos)
    with UnitOfWork() as uow:
        require_verified_store(uow, actor, dealer_id)
        _refuse_known_vins(uow, [clean["vin"]])
        car = Car(dealer_id=dealer_id, photos=keys, **clean)
        uow.session.add(car)
        with _vin_race_reported():
            uow.session.flush()
        uow.audit(actor_id=actor.id, action="car_create", entity="cars", entity_id=car.id,
                  after=car_snapshot(car))
        uow.commit()
        return car


def cars_import(actor: Actor, dealer_id: int, records: Sequence[Mapping[str, Any]]) -> int:
    """Add many cars in one transaction: wholly in or wholly out. Every record is checked here."""
    return cars_import_cleaned(actor, dealer_id, [clean_car(record) for record in records])


def cars_import_cleaned(actor: Actor, dealer_id: int, cleaned: Sequence[Mapping[str, Any]]) -> int:
    """`cars_import` of records that `clean_car` returned already: a bulk upload's previewed rows, kept
    in the server's memory since the preview (checking 10,000 of them again cost ~1 s of the import)."""
    now = utcnow()
    rows = [{**record, "dealer_id": dealer_id, "photos": [], "status": CarStatus.AVAILABLE,
             "created_at": now, "updated_at": now} for record in cleaned]
    with UnitOfWork() as uow:
        require_verified_store(uow, actor, dealer_id)
        _refuse_known_vins(uow, [record["vin"] for record in cleaned])
        with _vin_race_reported():
            cars_insert_many(uow, rows)
        uow.audit(actor_id=actor.id, action="cars_import", entity="dealers", entity_id=dealer_id,
                  after={"cars": len(cleaned), "vins": [r["vin"] for r in cleaned][:50]})
        uow.commit()
    return len(cleaned)


@contextmanager
def _vin_race_reported() -> Iterator[None]:
    """Two listings of one VIN at the same moment: the unique index decides, and the loser is told."""
    try:
        yield
    except IntegrityError:
        raise ValidationFailed({"vin": "A car with this VIN was listed a moment ago; "
                                       "each car is listed once."}) from None


def vins_known(vins: Sequence[str]) -> set[str]:
    """Which of these VINs are already listed (on any store)."""
    with UnitOfWork(write=False) as uow:
        return set(vin_ids(uow.session, vins))


def _refuse_known_vins(uow: UnitOfWork, vins: list[str]) -> None:
    known = set(vin_ids(uow.session, vins))
    if known:
        raise ValidationFailed({"vin": f"Already listed: {', '.join(sorted(known)[:10])}. "
                                       "Each car is listed once; edit the existing listing instead."})
    if len(set(vins)) != len(vins):
        raise ValidationFailed({"vin": "The same VIN appears more than once."})


def car_update(actor: Actor, car_id: int, fields: Mapping[str, Any], *,
               add_photos: Sequence[Photo] = (), remove_photos: Sequence[str] = ()) -> Car:
    with UnitOfWork() as uow:
        car = _own_car(uow, actor, car_id)
        lock = car_lock(uow, car, utcnow())
        changes = _changed_fields(car, fields, add_photos, remove_photos)
        _check_allowed(lock, changes)
        clean = clean_car({**car_snapshot(car), **fields}, only=changes - {"photos"}) if changes else {}
        before = car_snapshot(car)
        for name, value in clean.items():
            setattr(car, name, value)
        if "photos" in changes:
            car.photos = _new_photo_list(car.photos, add_photos, remove_photos)
        car.updated_at = utcnow()
        if car.status == CarStatus.FROZEN and changes:  # the dealer fixed what an admin took down
            car.status = CarStatus.AVAILABLE
        if lock == CarLock.LIVE and changes:
            _flag_live_change(uow, actor, car, sorted(changes))
        uow.audit(actor_id=actor.id, action="car_update", entity="cars", entity_id=car.id,
                  before=before, after=car_snapshot(car))
        uow.commit()
        return car


def _changed_fields(car: Car, fields: Mapping[str, Any], add: Sequence[Photo],
                    remove: Sequence[str]) -> set[str]:
    changed = {name for name, value in fields.items()
               if name in {f.name for f in CAR_FIELDS} and value != getattr(car, name)}
    return changed | ({"photos"} if add or remove else set())


def _check_allowed(lock: CarLock, changes: set[str]) -> None:
    if lock == CarLock.FROZEN and changes:
        raise InvalidTransition("This car's auction has ended, so its listing can no longer change.")
    if lock == CarLock.LIVE and changes - LIVE_EDITABLE:
        names = ", ".join(sorted(changes - LIVE_EDITABLE))
        raise InvalidTransition(f"Bidding is open on this car: only its description and photos can "
                                f"change now, not {names}.")


def _new_photo_list(current: list[str], add: Sequence[Photo], remove: Sequence[str]) -> list[str]:
    kept = [key for key in current if key not in set(remove)]
    if len(kept) + len(add) > MAX_PHOTOS:
        raise ValidationFailed({"photos": f"A car can have at most {MAX_PHOTOS} photos; "
                                          f"it would have {len(kept) + len(add)}."})
    return kept + _store_photos(add)


def _store_photos(photos: Sequence[Photo]) -> list[str]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed({"photos": f"Upload at most {MAX_PHOTOS} photos; you chose {len(photos)}."})
    prepared = [photo_prepare(data, name=name) for name, data in photos]  # all checked before any kept
    store = get_media_store()
    return [store.put(data, suffix=".webp") for data in prepared]


def _flag_live_change(uow: UnitOfWork, actor: Actor, car: Car, fields: list[str]) -> None:
    """Bidders see "updated after bidding started", and may retract a bid placed before it."""
    now = utcnow()
    uow.session.add(CarUpdate(car_id=car.id or 0, at=now, fields=fields, actor_id=actor.id))
    if car.listing_lot_id is not None:
        lot_listing_edited(uow.session, car.listing_lot_id, now=now)


def car_delete(actor: Actor, car_id: int) -> None:
    """Remove a car from stock. One that ever was in an auction is withdrawn, keeping its history."""
    with UnitOfWork() as uow:
        car = _own_car(uow, actor, car_id)
        if car_lock(uow, car, utcnow()) != CarLock.FREE:
            raise InvalidTransition("This car is in a live or ended auction and cannot be removed.")
        if _open_lot(uow, car.id or 0) is not None:
            raise InvalidTransition("This car is in an upcoming auction: remove it from that auction first.")
        before = car_snapshot(car)
        if _ever_auctioned(uow, car.id or 0):
            car.status, car.updated_at = CarStatus.WITHDRAWN, utcnow()
        else:
            uow.session.delete(car)
        uow.audit(actor_id=actor.id, action="car_delete", entity="cars", entity_id=car_id, before=before)
        uow.commit()


def car_lock(uow: UnitOfWork, car: Car, now: datetime) -> CarLock:
    if car.status == CarStatus.SOLD:
        return CarLock.FROZEN
    lot = _open_lot(uow, car.id or 0)
    if lot is None:
        return CarLock.FREE
    lot_row, auction = lot
    if auction.status == AuctionStatus.DRAFT or now < auction.starts_at:
        return CarLock.FREE
    return CarLock.LIVE if lot_row.ends_at > now and lot_row.outcome is None else CarLock.FROZEN


def lot_holds_its_car(now: datetime | None = None) -> ColumnElement[bool]:
    """The one definition of a lot that holds its car (over lots joined to their auctions): in a draft or
    published auction and not yet closed, or closed below reserve with the dealer's answer pending and
    not yet overdue (accepting would sell the car). Such a car can be in no other auction and edits
    follow the lot."""
    return and_(col(Auction.status).in_([AuctionStatus.DRAFT, AuctionStatus.SCHEDULED]),
                or_(col(Lot.outcome).is_(None), awaiting_decision(now or utcnow())))


def _open_lot(uow: UnitOfWork, car_id: int) -> tuple[Lot, Auction] | None:
    """The lot that holds the car, if one does."""
    query = (select(Lot, Auction).join(Auction, col(Auction.id) == Lot.auction_id)
             .where(Lot.car_id == car_id, lot_holds_its_car()))
    row = uow.session.exec(query).first()
    return (row[0], row[1]) if row else None


def _ever_auctioned(uow: UnitOfWork, car_id: int) -> bool:
    return uow.session.exec(select(Lot.id).where(Lot.car_id == car_id)).first() is not None


def _own_car(uow: UnitOfWork, actor: Actor, car_id: int) -> Car:
    car = uow.session.get(Car, car_id)
    if car is None or car.status == CarStatus.WITHDRAWN:
        raise NotFound("No such car.")
    require_verified_store(uow, actor, car.dealer_id)
    return car


def car_snapshot(car: Car | CarView) -> dict[str, Any]:
    return {field.name: getattr(car, field.name) for field in CAR_FIELDS} | {
        "photos": list(car.photos), "status": car.status}
