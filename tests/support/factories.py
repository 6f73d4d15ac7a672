"""Small factories: a user with roles, a verified dealer. They go through the real services where one
exists, so tests exercise the same paths as users."""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete, update
from sqlmodel import col, select

from data.models import Auction, Car, Lot, User, UserRole
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts import dealers
from domain.accounts import users as accounts
from domain.auctions import service as auctions
from domain.auctions.rules import AuctionSpec, LotSpec
from domain.inventory import cars
from domain.inventory.vin import make_vin
from domain.permissions import Actor
from domain.types import DealerStatus, Role

PASSWORD = "Correct-Horse-42"
_counter = itertools.count(1)


def make_user(*roles: Role, email: str | None = None, name: str = "Test User") -> Actor:
    actor = accounts.user_register(email=email or f"user{next(_counter)}@example.com", name=name,
                                   password=PASSWORD)
    with UnitOfWork() as uow:  # test accounts count as verified, as the demo's do
        uow.session.execute(update(User).where(col(User.id) == actor.id).values(email_verified_at=utcnow()))
        uow.commit()
    if roles:  # exactly these roles (registration gives every account the bidder role)
        with UnitOfWork() as uow:
            uow.session.execute(delete(UserRole).where(col(UserRole.user_id) == actor.id))
            uow.session.add_all(UserRole(user_id=actor.id, role=r) for r in set(roles))
            user = uow.session.get(User, actor.id)
            assert user is not None
            user.updated_at = utcnow()  # a role change touches the user row, as the admin service does
            uow.commit()
    with UnitOfWork(write=False) as uow:
        return accounts.actor_load(uow, actor.id)


def make_admin() -> Actor:
    return make_user(Role.ADMIN, Role.BIDDER, name="Ada Admin")


def make_dealer(admin: Actor | None = None, *, city: str = "Pune") -> Actor:
    """A user whose store an admin has verified."""
    owner = make_user(name="Dev Dealer")
    store = dealers.dealer_apply(owner, store_name="Dev Motors", address="12 MG Road, Camp",
                                 city=city, postal_code="411001", phone="+91 98765 43210")
    assert store.id is not None
    dealers.dealer_review(admin or make_admin(), store.id, to=DealerStatus.VERIFIED)
    with UnitOfWork(write=False) as uow:
        return accounts.actor_load(uow, owner.id)


_vin_rng = random.Random(7)


def car_fields(**overrides: object) -> dict[str, object]:
    """A valid car record (a fresh valid VIN each call)."""
    fields: dict[str, object] = {
        "vin": make_vin(_vin_rng, "MA3"), "make": "Maruti Suzuki", "model": "Swift", "variant": "VXI",
        "year": 2019, "body_type": "hatchback", "fuel": "petrol", "transmission": "manual",
        "engine_cc": 1197, "odometer_km": 42_000, "registration_year": 2019, "owners": 1,
        "colour": "Red", "city": "Pune", "title_status": "clean", "damage": "none",
        "condition_grade": 4, "description": "Single owner, full service history.",
    }
    return fields | overrides


def make_car(dealer: Actor, **overrides: object) -> Car:
    return cars.car_create(dealer, dealer.dealer_id or 0, car_fields(**overrides))


def auction_spec(car_ids: list[int], *, starts_in: timedelta = timedelta(hours=1),
                 runs: timedelta = timedelta(hours=2), **overrides: object) -> AuctionSpec:
    start = utcnow() + starts_in
    lots = tuple(LotSpec(car_id, Decimal("300000"), Decimal("400000"), Decimal("600000"))
                 for car_id in car_ids)
    values: dict[str, object] = {"title": "Pune weekend sale", "description": "Inspected cars.",
                                 "starts_at": start, "ends_at": start + runs, "lots": lots}
    return AuctionSpec(**(values | overrides))  # type: ignore[arg-type]


def make_auction(dealer: Actor, cars_: int = 2, *, publish: bool = True, **overrides: object) -> Auction:
    car_ids = [make_car(dealer).id or 0 for _ in range(cars_)]
    auction = auctions.auction_create(dealer, dealer.dealer_id or 0, auction_spec(car_ids, **overrides))
    return auctions.auction_publish(dealer, auction.id or 0) if publish else auction


def move_auction(auction_id: int, *, starts: timedelta, first_close: timedelta) -> None:
    """Shift an auction in time (tests cannot wait for the clock): start and lot closes relative to now."""
    now = utcnow()
    with UnitOfWork() as uow:
        auction = uow.session.get(Auction, auction_id)
        assert auction is not None
        cap = auction.latest_end_at - auction.ends_at if auction.latest_end_at else None
        auction.starts_at = now + starts
        lots = uow.session.exec(select(Lot).where(Lot.auction_id == auction_id).order_by(col(Lot.lot_number)))
        for index, lot in enumerate(lots.all()):
            lot.ends_at = now + first_close + timedelta(minutes=index)
            auction.ends_at = lot.ends_at
            car = uow.session.get(Car, lot.car_id)
            if car is not None and car.listing_lot_id == lot.id:
                car.listing_ends_at = lot.ends_at
        if cap is not None:  # the soft-close cap keeps its distance from the last scheduled close
            auction.latest_end_at = auction.ends_at + cap
        uow.commit()


def live_lot(dealer: Actor | None = None, *, reserve: Decimal | None = Decimal("400000"),
             buy_now: Decimal | None = Decimal("600000"), closes_in: timedelta = timedelta(hours=3),
             **overrides: object) -> Lot:
    """A lot open for bidding now: starting price 3,00,000."""
    dealer = dealer or make_dealer()
    car = make_car(dealer)
    lot = LotSpec(car.id or 0, Decimal("300000"), reserve, buy_now)
    spec = dataclasses.replace(auction_spec([car.id or 0], **overrides), lots=(lot,))
    draft = auctions.auction_create(dealer, dealer.dealer_id or 0, spec)
    auction = auctions.auction_publish(dealer, draft.id or 0)
    move_auction(auction.id or 0, starts=-timedelta(minutes=1), first_close=closes_in)
    with UnitOfWork(write=False) as uow:
        return uow.session.exec(select(Lot).where(Lot.auction_id == auction.id)).one()


def lot_now(lot_id: int) -> Lot:
    with UnitOfWork(write=False) as uow:
        lot = uow.session.get(Lot, lot_id)
        assert lot is not None
        return lot
