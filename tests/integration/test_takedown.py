"""An admin takes down one lot or one car: bids voided, the lot closed unsold for good, everyone it
affects told, the car frozen until the dealer edits it or an admin restores it (both stores)."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from data.models import Bid, Car, Notification, Sale
from data.uow import UnitOfWork
from domain.auctions import service as auctions
from domain.auctions import watchlist
from domain.bidding.service import LotClosed, bid_place, lot_buy_now
from domain.errors import DomainError, Forbidden, InvalidTransition
from domain.inventory.cars import car_update
from domain.oversight.takedown import car_restore, car_takedown, lot_takedown
from tests.integration.test_one_sale_per_car import race
from tests.support.factories import (
    auction_spec,
    live_lot,
    lot_now,
    make_admin,
    make_car,
    make_dealer,
    make_user,
)


def told(user_id: int | None) -> list[tuple[str, str]]:
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(select(Notification.kind, Notification.message)
                                .where(Notification.user_id == user_id)).all()
        return [(kind, message) for kind, message in rows]


def car_status(car_id: int) -> str:
    with UnitOfWork(write=False) as uow:
        car = uow.session.get(Car, car_id)
        assert car is not None
        return car.status


def test_taking_down_a_lot_voids_its_bids_closes_it_and_tells_everyone(store: str) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer)
    asha, ben, watcher = make_user(), make_user(), make_user()
    bid_place(asha, lot_id=lot.id or 0, maximum="320000", key=uuid.uuid4().hex)
    bid_place(ben, lot_id=lot.id or 0, maximum="350000", key=uuid.uuid4().hex)
    watchlist.watch(watcher, lot.id or 0)
    watchlist.watch(asha, lot.id or 0)
    lot_takedown(make_admin(), lot.id or 0, reason="Odometer reading disputed")
    after = lot_now(lot.id or 0)
    assert after.outcome == "taken_down" and after.leader_id is None and after.bid_count == 0
    with UnitOfWork(write=False) as uow:
        bids = uow.session.exec(select(Bid).where(Bid.lot_id == lot.id)).all()
        assert {b.status for b in bids} == {"voided"}
        assert all("Odometer reading disputed" in (b.status_reason or "") for b in bids)
    for person in (asha, ben, watcher):  # once each, even a bidder who also watches
        kinds = [kind for kind, message in told(person.id) if "Odometer reading disputed" in message]
        assert kinds == ["taken_down"]
    assert any("until you edit it" in message for _, message in told(dealer.id))
    assert car_status(lot.car_id) == "frozen"


def test_a_taken_down_lot_can_never_be_sold(store: str) -> None:
    lot = live_lot()
    lot_takedown(make_admin(), lot.id or 0, reason="Stolen vehicle report")
    with pytest.raises(LotClosed, match="closed"):
        bid_place(make_user(), lot_id=lot.id or 0, maximum="330000", key=uuid.uuid4().hex)
    with pytest.raises(LotClosed):
        lot_buy_now(make_user(), lot_id=lot.id or 0, key=uuid.uuid4().hex)
    with pytest.raises(InvalidTransition):
        lot_takedown(make_admin(), lot.id or 0, reason="Again, by mistake")
    with UnitOfWork(write=False) as uow:
        assert uow.session.exec(select(Sale).where(Sale.lot_id == lot.id)).first() is None
    assert lot_now(lot.id or 0).outcome == "taken_down"


def test_a_frozen_car_cannot_be_listed_until_the_dealer_edits_it(store: str) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer)
    lot_takedown(make_admin(), lot.id or 0, reason="Photos show another car")
    with pytest.raises(DomainError):
        auctions.auction_create(dealer, dealer.dealer_id or 0, auction_spec([lot.car_id]))
    car_update(dealer, lot.car_id, {"description": "Photos retaken: this very car, today."})
    assert car_status(lot.car_id) == "available"
    auctions.auction_create(dealer, dealer.dealer_id or 0, auction_spec([lot.car_id]))


def test_an_admin_takes_down_a_car_and_restores_it(store: str) -> None:
    dealer, admin = make_dealer(), make_admin()
    lot = live_lot(dealer)
    bidder = make_user()
    bid_place(bidder, lot_id=lot.id or 0, maximum="320000", key=uuid.uuid4().hex)
    with pytest.raises(Forbidden):
        car_takedown(dealer, lot.car_id, reason="Not allowed for dealers")
    car_takedown(admin, lot.car_id, reason="Registration papers forged")
    assert lot_now(lot.id or 0).outcome == "taken_down" and car_status(lot.car_id) == "frozen"
    assert [kind for kind, _ in told(bidder.id)] == ["taken_down"]
    with pytest.raises(InvalidTransition):
        car_takedown(admin, lot.car_id, reason="Twice is once too many")
    car_restore(admin, lot.car_id, note="Papers verified")
    assert car_status(lot.car_id) == "available" and lot_now(lot.id or 0).outcome == "taken_down"
    with pytest.raises(InvalidTransition):
        car_restore(admin, lot.car_id)


def test_a_car_in_no_auction_is_just_frozen(store: str) -> None:
    dealer = make_dealer()
    car = make_car(dealer)
    car_takedown(make_admin(), car.id or 0, reason="Listing copied from another site")
    assert car_status(car.id or 0) == "frozen"
    with pytest.raises(DomainError):
        auctions.auction_create(dealer, dealer.dealer_id or 0, auction_spec([car.id or 0]))


@pytest.mark.parametrize("attempt", range(3))
def test_a_takedown_racing_a_buy_now_and_bids_never_sells_and_leaves_no_bid_standing(
        store: str, attempt: int) -> None:
    """Whichever commits first wins: a bought lot stays sold (the takedown is refused), or the lot is
    taken down with no sale and every bid that landed before it voided."""
    lot = live_lot(reserve=None)  # buy now stands until the first bid
    buyer, bidders = make_user(), [make_user() for _ in range(3)]
    errors = race(lambda: lot_takedown(make_admin(), lot.id or 0, reason="Race condition drill"),
                  lambda: lot_buy_now(buyer, lot_id=lot.id or 0, key=uuid.uuid4().hex),
                  *[lambda b=b: bid_place(b, lot_id=lot.id or 0, maximum="400000", key=uuid.uuid4().hex)
                    for b in bidders])
    after = lot_now(lot.id or 0)
    with UnitOfWork(write=False) as uow:
        sales = uow.session.exec(select(Sale).where(Sale.lot_id == lot.id)).all()
        active = uow.session.exec(select(Bid).where(Bid.lot_id == lot.id, Bid.status == "active")).all()
    assert all(e is None or isinstance(e, DomainError) for e in errors), errors
    if after.outcome == "taken_down":
        assert errors[0] is None and sales == [] and active == [] and after.leader_id is None
    else:
        assert after.outcome == "sold" and len(sales) == 1 and isinstance(errors[0], InvalidTransition)
