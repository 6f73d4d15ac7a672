"""One car, at most one sale (issue 10): an auction is cancelled only before it ends, a cancelled
auction's lots take no decision, and the store itself refuses a second sale of a car."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from data.models import Auction, Car, Lot, Notification, Sale
from data.types import utcnow
from data.uow import UnitOfWork
from domain.auctions import service as auctions
from domain.auctions.queries import cars_ready_for_auction
from domain.bidding.service import bid_place
from domain.bidding.settlement import lot_decide, settle_lot
from domain.errors import DomainError, InvalidTransition
from domain.permissions import Actor
from domain.types import CarStatus
from tests.support.factories import (
    auction_spec,
    live_lot,
    lot_now,
    make_admin,
    make_auction,
    make_dealer,
    make_user,
    move_auction,
)


def lots_of(auction_id: int) -> list[Lot]:
    with UnitOfWork(write=False) as uow:
        return list(uow.session.exec(select(Lot).where(Lot.auction_id == auction_id)
                                     .order_by(col(Lot.lot_number))).all())


def sales_of_car(car_id: int) -> int:
    with UnitOfWork(write=False) as uow:
        query = select(func.count()).select_from(Sale).where(Sale.car_id == car_id)
        return int(uow.session.exec(query).one())


def first_lot_below_reserve(dealer: Actor) -> tuple[Auction, Lot]:
    """A live two-lot auction whose first lot has closed below reserve (the dealer's answer pending)."""
    auction = make_auction(dealer, cars_=2)
    move_auction(auction.id or 0, starts=-timedelta(minutes=1), first_close=timedelta(minutes=5))
    first = lots_of(auction.id or 0)[0]
    bid_place(make_user(), lot_id=first.id or 0, maximum="350000", key=uuid.uuid4().hex)
    move_auction(auction.id or 0, starts=-timedelta(minutes=2), first_close=-timedelta(seconds=20))
    assert settle_lot(first.id or 0) is True
    assert lot_now(first.id or 0).decision == "pending"
    return auction, first


def first_leader(lot: Lot) -> int:
    leader = lot_now(lot.id or 0).leader_id
    assert leader is not None
    return leader


def test_an_ended_auction_cannot_be_cancelled(store: str) -> None:
    dealer = make_dealer()
    auction, first = first_lot_below_reserve(dealer)
    move_auction(auction.id or 0, starts=-timedelta(minutes=10), first_close=-timedelta(minutes=5))
    with pytest.raises(InvalidTransition, match="has ended"):
        auctions.auction_cancel(make_admin(), auction.id or 0, reason="Too late to cancel this")
    with UnitOfWork(write=False) as uow:
        stored = uow.session.get(Auction, auction.id)
    assert stored is not None and stored.status == "scheduled" and stored.cancel_reason is None
    assert first.car_id not in dict(cars_ready_for_auction(dealer, dealer.dealer_id or 0))  # still held
    lot_decide(dealer, first.id or 0, accept=True)
    assert sales_of_car(first.car_id) == 1


def test_a_cancelled_auctions_lot_takes_no_decision(store: str) -> None:
    dealer = make_dealer()
    auction, first = first_lot_below_reserve(dealer)
    auctions.auction_cancel(make_admin(), auction.id or 0, reason="Title documents missing")
    assert lot_now(first.id or 0).decision == "cancelled"
    with UnitOfWork(write=False) as uow:  # the high bidder, waiting for the dealer's answer, is told
        told = uow.session.exec(select(Notification).where(Notification.user_id == first_leader(first),
                                                           Notification.kind == "auction_cancelled")).one()
    assert "cancelled (Title documents missing)" in told.message
    with pytest.raises(InvalidTransition, match="cancelled"):
        lot_decide(dealer, first.id or 0, accept=True)
    assert sales_of_car(first.car_id) == 0
    # The car is free again: it may go into a new auction and be sold there, once.
    again = auctions.auction_create(dealer, dealer.dealer_id or 0, auction_spec([first.car_id]))
    auctions.auction_publish(dealer, again.id or 0)
    with pytest.raises(InvalidTransition):
        lot_decide(dealer, first.id or 0, accept=True)
    assert sales_of_car(first.car_id) == 0


def test_the_decision_check_reads_the_auction_status(store: str) -> None:
    """Even a pending decision left on a cancelled auction (cancelled before this rule) is refused."""
    dealer = make_dealer()
    auction, first = first_lot_below_reserve(dealer)
    with UnitOfWork() as uow:
        stored = uow.session.get(Auction, auction.id)
        assert stored is not None
        stored.status = "cancelled"
        uow.commit()
    with pytest.raises(InvalidTransition, match="cancelled"):
        lot_decide(dealer, first.id or 0, accept=True)
    assert sales_of_car(first.car_id) == 0 and lot_now(first.id or 0).decision == "pending"


def test_the_store_refuses_a_second_sale_of_a_car(store: str) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer, reserve=None, closes_in=timedelta(minutes=5))
    bid_place(make_user(), lot_id=lot.id or 0, maximum="350000", key=uuid.uuid4().hex)
    settle_lot(lot.id or 0, now=utcnow() + timedelta(minutes=10))
    with UnitOfWork(write=False) as uow:
        sale = uow.session.exec(select(Sale)).one()
    assert sale.car_id == lot.car_id
    other = live_lot(dealer, closes_in=timedelta(minutes=5))  # another lot, booked as if for the same car
    twin = Sale(**sale.model_dump(exclude={"id", "lot_id", "auction_id"}), lot_id=other.id or 0,
                auction_id=other.auction_id)
    with UnitOfWork() as uow, pytest.raises(IntegrityError):
        uow.session.add(twin)
        uow.commit()
    assert sales_of_car(lot.car_id) == 1


def pending_twin_lots(dealer: Actor) -> tuple[Lot, Lot]:
    """Two lots of one car, each awaiting the dealer's answer: a state the services never make (a
    cancelled-then-reused car from before the fix), forged here to prove the store's own guard."""
    _, first = first_lot_below_reserve(dealer)
    _, second = first_lot_below_reserve(dealer)
    with UnitOfWork() as uow:
        lot = uow.session.get(Lot, second.id)
        assert lot is not None
        lot.car_id = first.car_id
        uow.session.add(lot)
        uow.session.flush()
        uow.commit()
    return lot_now(first.id or 0), lot_now(second.id or 0)


def race(*calls: Callable[[], object]) -> list[BaseException | None]:
    """Run the calls at once (a barrier releases them together); each one's error, or None."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            calls[index]()
        except BaseException as error:  # reported to the test
            errors[index] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_two_acceptances_for_one_car_book_one_sale(store: str) -> None:
    dealer = make_dealer()
    first, second = pending_twin_lots(dealer)
    errors = race(lambda: lot_decide(dealer, first.id or 0, accept=True),
                  lambda: lot_decide(dealer, second.id or 0, accept=True))
    assert sorted(error is None for error in errors) == [False, True], errors
    refused = next(error for error in errors if error is not None)
    assert isinstance(refused, InvalidTransition) and "already sold" in str(refused)
    assert sales_of_car(first.car_id) == 1
    with UnitOfWork(write=False) as uow:
        car = uow.session.get(Car, first.car_id)
    assert car is not None and car.status == CarStatus.SOLD


@pytest.mark.parametrize("attempt", range(3))
def test_cancel_racing_a_decision_never_sells_a_freed_car(store: str, attempt: int) -> None:
    """Whichever commits first wins: an accepted sale stands, or the cancel voids the decision."""
    dealer, admin = make_dealer(), make_admin()
    auction, first = first_lot_below_reserve(dealer)
    errors = race(partial(auctions.auction_cancel, admin, auction.id or 0, reason="Documents missing"),
                  partial(lot_decide, dealer, first.id or 0, accept=True))
    assert all(error is None or isinstance(error, DomainError) for error in errors), errors
    sold = sales_of_car(first.car_id)
    freed = first.car_id in dict(cars_ready_for_auction(dealer, dealer.dealer_id or 0))
    assert (sold, freed) in ((1, False), (0, True)), (sold, freed, errors)
    assert lot_now(first.id or 0).decision == ("accepted" if sold else "cancelled")


def test_hammer_time_is_the_sale_date(store: str) -> None:
    """Earnings belong to the moment the lot closed, whenever settlement or the dealer's answer ran."""
    dealer = make_dealer()
    lot = live_lot(dealer, reserve=None, closes_in=timedelta(minutes=5))
    bid_place(make_user(), lot_id=lot.id or 0, maximum="350000", key=uuid.uuid4().hex)
    settle_lot(lot.id or 0, now=utcnow() + timedelta(days=3))
    _, below = first_lot_below_reserve(dealer)
    lot_decide(dealer, below.id or 0, accept=True, now=utcnow() + timedelta(hours=20))
    with UnitOfWork(write=False) as uow:
        sold_at = {s.lot_id: s.sold_at for s in uow.session.exec(select(Sale)).all()}
    assert sold_at == {lot.id: lot_now(lot.id or 0).ends_at, below.id: lot_now(below.id or 0).ends_at}
