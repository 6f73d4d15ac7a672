"""An admin takes down a lot from its page, and a car from its page (then restores it); the dealer sees
why the car is frozen; nobody else gets the buttons."""

from __future__ import annotations

import uuid

from data.models import Car
from data.uow import UnitOfWork
from domain.bidding import service
from tests.app.conftest import page_as, texts
from tests.support.factories import live_lot, lot_now, make_admin, make_car, make_dealer, make_user


def car_status(car_id: int) -> str:
    with UnitOfWork(write=False) as uow:
        car = uow.session.get(Car, car_id)
        assert car is not None
        return car.status


def test_an_admin_takes_down_a_lot_from_its_page() -> None:
    lot = live_lot()
    bidder = make_user()
    service.bid_place(bidder, lot_id=lot.id or 0, maximum="320000", key=uuid.uuid4().hex)
    at = page_as(make_admin(), "pages/lot.py", id=lot.id)
    at.text_input(key="takedown_reason").input("Counterfeit registration")
    at.button(key="takedown_go").click()
    at.run()
    assert not at.exception and not at.error
    assert lot_now(lot.id or 0).outcome == "taken_down" and "Taken down by an admin" in texts(at)


def test_a_bidder_has_no_takedown_and_a_short_reason_is_refused() -> None:
    lot = live_lot()
    assert "takedown_go" not in [b.key for b in page_as(make_user(), "pages/lot.py", id=lot.id).button]
    at = page_as(make_admin(), "pages/lot.py", id=lot.id)
    at.text_input(key="takedown_reason").input("no")
    at.button(key="takedown_go").click()
    at.run()
    assert at.error and lot_now(lot.id or 0).outcome is None


def test_an_admin_takes_down_a_car_its_dealer_sees_why_and_the_admin_restores_it() -> None:
    dealer, admin = make_dealer(), make_admin()
    car_id = make_car(dealer).id or 0
    at = page_as(admin, "pages/car.py", id=car_id)
    at.text_input(key="car_takedown_reason").input("Listing copied from another site")
    at.button(key="car_takedown_go").click()
    at.run()
    assert not at.exception and car_status(car_id) == "frozen"
    seen = page_as(dealer, "pages/car.py", id=car_id)
    assert "Listing copied from another site" in texts(seen) and "car_restore_go" not in [
        b.key for b in seen.button]
    assert "No such car" in texts(page_as(make_user(), "pages/car.py", id=car_id))
    at = page_as(admin, "pages/car.py", id=car_id)
    at.button(key="car_restore_go").click()
    at.run()
    assert not at.exception and car_status(car_id) == "available"
