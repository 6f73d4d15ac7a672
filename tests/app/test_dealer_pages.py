"""The dealer's own pages: add a car, build and publish an auction, edit the store; and the wrong
role or the wrong dealer stopped on each page."""

from __future__ import annotations

import random

from sqlmodel import func, select

from data.models import Auction, Car, Dealer
from data.uow import UnitOfWork
from domain.inventory.vin import make_vin
from tests.app.conftest import page_as, texts
from tests.support.factories import make_car, make_dealer, make_user


def count(model: type) -> int:
    with UnitOfWork(write=False) as uow:
        return int(uow.session.exec(select(func.count()).select_from(model)).one())


def test_bidders_are_stopped_on_every_dealer_page() -> None:
    bidder = make_user()
    for page in ("pages/dealer_cars.py", "pages/dealer_auctions.py", "pages/dealer_store.py",
                 "pages/dealer_upload.py"):
        at = page_as(bidder, page)
        assert not at.exception and "does not have access" in texts(at), page


def test_dealer_adds_a_car_from_the_form() -> None:
    dealer = make_dealer()
    at = page_as(dealer, "pages/dealer_cars.py")
    assert not at.exception
    at.text_input(key="add_vin").input(make_vin(random.Random(5), "MA3"))
    at.text_input(key="add_make").input("Maruti Suzuki")
    at.text_input(key="add_model").input("Baleno")
    at.number_input(key="add_year").set_value(2020)
    at.number_input(key="add_engine_cc").set_value(1197)
    at.number_input(key="add_odometer_km").set_value(30_000)
    at.number_input(key="add_owners").set_value(1)
    at.text_input(key="add_colour").input("Blue")
    at.text_input(key="add_city").input("Pune")
    at.number_input(key="add_condition_grade").set_value(4)
    at.button[0].click()  # "Add car"
    at.run()
    assert not at.exception
    assert "Listed 2020 Maruti Suzuki Baleno" in texts(at)
    assert count(Car) == 1


def test_a_bad_car_form_lists_the_problems_and_adds_nothing() -> None:
    at = page_as(make_dealer(), "pages/dealer_cars.py")
    at.text_input(key="add_vin").input("NOT-A-VIN")
    at.button[0].click()
    at.run()
    assert "VIN" in at.error[0].value and "Make" in at.error[0].value
    assert count(Car) == 0


def test_dealer_builds_a_draft_and_publishes_it() -> None:
    dealer = make_dealer()
    car = make_car(dealer)
    at = page_as(dealer, "pages/dealer_auctions.py")
    assert not at.exception
    at.multiselect(key="a_cars").set_value([car.id])
    at.run()
    at.text_input(key="a_title").input("Sunday SUV sale")
    at.number_input(key="a_default_start").set_value(250_000)
    at.button[0].click()  # "Save draft"
    at.run()
    assert not at.exception and "Draft saved" in texts(at)
    with UnitOfWork(write=False) as uow:
        auction = uow.session.exec(select(Auction)).one()
    assert auction.status == "draft"
    at.button(key=f"publish_{auction.id}").click()
    at.run()
    with UnitOfWork(write=False) as uow:
        assert (uow.session.get(Auction, auction.id) or auction).status == "scheduled"


def test_dealer_edits_the_store_details() -> None:
    dealer = make_dealer()
    at = page_as(dealer, "pages/dealer_store.py")
    at.text_input(key="store_name").input("Dev Motors Kothrud")
    at.button[0].click()
    at.run()
    assert "saved" in texts(at)
    with UnitOfWork(write=False) as uow:
        assert (uow.session.get(Dealer, dealer.dealer_id) or Dealer()).store_name == "Dev Motors Kothrud"


def test_a_dealer_never_sees_another_dealers_cars() -> None:
    owner, rival = make_dealer(), make_dealer()
    car = make_car(owner)
    at = page_as(rival, "pages/dealer_cars.py")
    assert not at.exception
    assert car.vin not in str(at.dataframe[0].value)
