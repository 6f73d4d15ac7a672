"""Cars on both stores: who may list, edit and remove; what may change once bidding is open."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlmodel import func, select

from data.media import get_media_store
from data.models import AuditLog, Car, CarUpdate, Lot
from data.uow import UnitOfWork
from domain.accounts import dealers
from domain.errors import DealerNotVerified, Forbidden, InvalidTransition, NotYourStore, ValidationFailed
from domain.inventory import cars
from domain.types import CarStatus, DealerStatus
from tests.support.factories import (
    car_fields,
    make_admin,
    make_auction,
    make_car,
    make_dealer,
    make_user,
    move_auction,
)


def picture(fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera maker: must not survive the re-encode
    image.save(out, format=fmt, exif=exif) if fmt in {"JPEG", "WEBP"} else image.save(out, format=fmt)
    return out.getvalue()


def car_count() -> int:
    with UnitOfWork(write=False) as uow:
        return int(uow.session.exec(select(func.count()).select_from(Car)).one())


def test_verified_dealer_lists_a_car_with_photos(store: str) -> None:
    dealer = make_dealer()
    car = cars.car_create(dealer, dealer.dealer_id or 0, car_fields(),
                          photos=[("front.jpg", picture()), ("side.png", picture("PNG"))])
    assert len(car.photos) == 2
    stored = get_media_store().read(car.photos[0])
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "WEBP" and not image.getexif()


def test_photos_that_are_not_pictures_are_refused_and_nothing_is_stored(store: str) -> None:
    dealer = make_dealer()
    for name, data in [("evil.jpg", b"<?php system($_GET['c']); ?>"), ("x.gif", picture("GIF")),
                       ("huge.jpg", b"\xff\xd8" + b"0" * (9 * 1024 * 1024))]:
        with pytest.raises(ValidationFailed) as failure:
            cars.car_create(dealer, dealer.dealer_id or 0, car_fields(), photos=[(name, data)])
        assert name in failure.value.problems["photos"]
    assert car_count() == 0


def test_only_verified_dealers_list_cars_for_their_own_store(store: str) -> None:
    bidder, dealer, other = make_user(), make_dealer(), make_dealer()
    with pytest.raises(Forbidden):
        cars.car_create(bidder, dealer.dealer_id or 0, car_fields())
    with pytest.raises(NotYourStore):
        cars.car_create(other, dealer.dealer_id or 0, car_fields())
    dealers.dealer_review(make_admin(), dealer.dealer_id or 0, to=DealerStatus.SUSPENDED, note="audit")
    with pytest.raises((DealerNotVerified, Forbidden)):
        cars.car_create(dealer, dealer.dealer_id or 0, car_fields())
    assert car_count() == 0


def test_bad_fields_are_all_reported(store: str) -> None:
    dealer = make_dealer()
    with pytest.raises(ValidationFailed) as failure:
        cars.car_create(dealer, dealer.dealer_id or 0,
                        car_fields(vin="1HGCM82633A004353", year=1800, fuel="steam", make="=HYPERLINK()",
                                   odometer_km=-5, condition_grade=9))
    assert {"vin", "year", "fuel", "make", "odometer_km", "condition_grade"} <= set(failure.value.problems)
    assert "position 9" in failure.value.problems["vin"]


def test_duplicate_vin_is_refused(store: str) -> None:
    dealer = make_dealer()
    car = make_car(dealer)
    with pytest.raises(ValidationFailed, match="Already listed"):
        make_car(make_dealer(), vin=car.vin.lower())
    assert car_count() == 1


def test_edit_rules_follow_the_auction(store: str) -> None:
    dealer = make_dealer()
    auction = make_auction(dealer, cars_=1)
    with UnitOfWork(write=False) as uow:
        car_id = uow.session.exec(select(Lot.car_id).where(Lot.auction_id == auction.id)).one()
    cars.car_update(dealer, car_id, {"odometer_km": 43_000})  # upcoming: anything may change
    move_auction(auction.id or 0, starts=-timedelta(minutes=5), first_close=timedelta(minutes=30))
    with pytest.raises(InvalidTransition, match="only its description and photos"):
        cars.car_update(dealer, car_id, {"odometer_km": 10})
    cars.car_update(dealer, car_id, {"description": "New tyres fitted."})
    with UnitOfWork(write=False) as uow:
        update = uow.session.exec(select(CarUpdate)).one()
        lot = uow.session.exec(select(Lot).where(Lot.car_id == car_id)).one()
    assert update.fields == ["description"] and lot.changed_after_bids_at is not None
    with pytest.raises(InvalidTransition):
        cars.car_delete(dealer, car_id)
    move_auction(auction.id or 0, starts=-timedelta(hours=3), first_close=-timedelta(minutes=5))
    with pytest.raises(InvalidTransition, match="ended"):
        cars.car_update(dealer, car_id, {"description": "Too late"})


def test_delete_removes_stock_and_withdraws_auctioned_cars(store: str) -> None:
    dealer = make_dealer()
    fresh = make_car(dealer)
    cars.car_delete(dealer, fresh.id or 0)
    assert car_count() == 0
    with pytest.raises(NotYourStore):
        cars.car_delete(make_dealer(), make_car(dealer).id or 0)
    with UnitOfWork(write=False) as uow:
        actions = uow.session.exec(select(AuditLog.action)).all()
    assert "car_create" in actions and "car_delete" in actions


def test_a_car_in_a_cancelled_auction_is_withdrawn_not_deleted(store: str) -> None:
    from domain.auctions import service as auctions
    dealer = make_dealer()
    auction = make_auction(dealer, cars_=1)
    auctions.auction_cancel(dealer, auction.id or 0, reason="Car sold privately")
    with UnitOfWork(write=False) as uow:
        car_id = uow.session.exec(select(Lot.car_id).where(Lot.auction_id == auction.id)).one()
    cars.car_delete(dealer, car_id)
    with UnitOfWork(write=False) as uow:
        car = uow.session.get(Car, car_id)
    assert car is not None and car.status == CarStatus.WITHDRAWN
