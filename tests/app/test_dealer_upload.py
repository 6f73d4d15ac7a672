"""The Excel upload page: only a verified dealer gets it; a dealer uploads, sees the preview, imports."""

from __future__ import annotations

import csv
import io
import time
import tomllib
from collections.abc import Callable

import pytest
from sqlmodel import func, select

from analytics import files
from analytics.files import DANGEROUS_PREFIXES
from data.models import Car
from data.uow import UnitOfWork
from domain.types import Role
from tests.app.conftest import page_as, texts
from tests.support.factories import make_dealer, make_user
from tests.support.memory import peak_mb, rss_mb
from tests.support.workbooks import (
    TextCell,
    cars_workbook,
    changed,
    shared_string_bomb,
    styled_cells_bomb,
    valid_cars,
)

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


def test_every_problem_of_a_row_shows_in_full_and_downloads_neutralised(
        monkeypatch: pytest.MonkeyPatch) -> None:
    downloads: list[bytes] = []
    original = files.safe_csv
    monkeypatch.setattr(files, "safe_csv", lambda table: downloads.append(original(table)) or downloads[-1])
    cars = changed(valid_cars(3), 1, make=TextCell('=HYPERLINK("http://x")'), model=1234, owners=99)
    at = page_as(make_dealer(), PAGE)
    at.file_uploader(key="upload_file").upload("cars.xlsx", cars_workbook(cars), XLSX)
    at.run()
    table = at.dataframe[0]
    problems = table.value["Problems"][1].split("\n")
    assert len(problems) == 3 and "Make contains a formula" in problems[0]
    assert "Model must be text" in problems[1] and "Owners" in problems[2]
    assert table.proto.row_height > 64  # the table wraps text from 64 px up, so each line shows
    assert at.get("download_button")[-1].proto.label == "Download the problems (CSV)"
    cells = [cell for line in csv.reader(io.StringIO(downloads[-1].decode())) for cell in line]
    assert "'=HYPERLINK" in " ".join(cells) and not any(cell.startswith(DANGEROUS_PREFIXES) for cell in cells)


def test_the_app_offers_no_raw_export_of_tables() -> None:
    with open(".streamlit/config.toml", "rb") as config:
        assert tomllib.load(config)["client"]["disableDataExport"] is True


def test_a_disabled_import_does_not_offer_to_import_the_cars() -> None:
    at = page_as(make_dealer(), PAGE)
    at.file_uploader(key="upload_file").upload("cars.xlsx", cars_workbook(changed(valid_cars(83), 5, year=1)),
                                               XLSX)
    at.run()
    button = at.button(key="upload_import")
    assert button.disabled and "83" not in button.label and "every row must be valid" in button.label


def test_an_oversize_file_is_refused_in_words() -> None:
    at = page_as(make_dealer(), PAGE)
    # the uploader takes more than 5 MB (the server's cap), so the page, not a red icon, says why
    assert at.file_uploader(key="upload_file").proto.max_upload_size_mb > 5
    at.file_uploader(key="upload_file").upload("big.xlsx", b"PK\x03\x04" + bytes(6 * 2**20), XLSX)
    at.run()
    assert "the limit is 5 MB" in at.error[0].value


@pytest.mark.parametrize("make", [shared_string_bomb, styled_cells_bomb], ids=["strings", "cells"])
def test_a_hostile_workbook_is_refused_as_too_complex_within_seconds(make: Callable[[], bytes]) -> None:
    at = page_as(make_dealer(), PAGE)
    at.file_uploader(key="upload_file").upload("cars.xlsx", make(), XLSX)
    rss, peak, started = rss_mb(), peak_mb(), time.monotonic()
    at.run(timeout=30)
    assert time.monotonic() - started < 10
    assert rss_mb() - rss < 60 and peak_mb() - peak < 60  # openpyxl took +350 MB here, and kept it
    assert "This file is too complex" in at.error[0].value
    assert not at.dataframe and car_count() == 0
