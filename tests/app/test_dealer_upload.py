"""The Excel upload page: only a verified dealer gets it; a dealer uploads, sees the preview, imports."""

from __future__ import annotations

from sqlmodel import func, select

from data.models import Car
from data.uow import UnitOfWork
from domain.types import Role
from tests.app.conftest import page_as, texts
from tests.support.factories import make_dealer, make_user
from tests.support.workbooks import cars_workbook, changed, valid_cars

PAGE = "pages/dealer_upload.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def car_count() -> int:
    with UnitOfWork(write=False) as uow:
        return uow.session.exec(select(func.count()).select_from(Car)).one()


def test_a_bidder_is_refused() -> None:
    at = page_as(make_user(), PAGE)
    assert "does not have access" in texts(at)
    assert not at.file_uploader


def test_a_dealer_role_without_a_verified_store_is_told_why() -> None:
    at = page_as(make_user(Role.DEALER), PAGE)
    assert "needs a store verified by an admin" in texts(at)
    assert not at.file_uploader


def test_a_dealer_downloads_the_template_uploads_previews_and_imports() -> None:
    at = page_as(make_dealer(), PAGE)
    assert at.download_button(key="upload_template").label == "Download the template"
    at.file_uploader(key="upload_file").upload("cars.xlsx", cars_workbook(valid_cars(3)), XLSX)
    at.run()
    assert not at.exception
    assert "All 3 rows are valid" in texts(at)
    assert list(at.dataframe[0].value["Status"]) == ["valid"] * 3
    button = at.button(key="upload_import")
    assert button.label == "Import 3 cars" and not button.disabled
    button.click()
    at.run()
    assert "Imported 3 cars" in texts(at) and car_count() == 3
    at.run()
    assert "These cars are in your store" in texts(at) and car_count() == 3


def test_problems_are_listed_and_the_import_stays_disabled() -> None:
    cars = changed(valid_cars(4), 1, make=1234)
    at = page_as(make_dealer(), PAGE)
    at.file_uploader(key="upload_file").upload("cars.xlsx", cars_workbook(cars), XLSX)
    at.run()
    assert "1 of 4 rows have problems" in texts(at)
    table = at.dataframe[0].value
    assert "Make must be text, not a number" in table["Problems"][1]
    assert at.button(key="upload_import").disabled and car_count() == 0


def test_a_file_that_is_not_a_workbook_is_refused_with_a_reason() -> None:
    at = page_as(make_dealer(), PAGE)
    at.file_uploader(key="upload_file").upload("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(100), XLSX)
    at.run()
    assert not at.exception
    assert "not an Excel workbook" in at.error[0].value
    assert not at.dataframe and car_count() == 0
