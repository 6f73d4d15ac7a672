"""The Excel bulk upload on both stores: a valid workbook goes in whole; anything hostile or wrong is
explained and leaves the store exactly as it was."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import func, select

from data.excel_cars import EXAMPLE_CAR, MAX_BYTES, MAX_ROWS, WorkbookRejected, cars_template
from data.models import AuditLog, Car
from data.uow import UnitOfWork
from domain.accounts import dealers
from domain.errors import DealerNotVerified, Forbidden, ValidationFailed
from domain.inventory.bulk_upload import (
    UploadHasProblems,
    UploadReport,
    report_rows,
    upload_import,
    upload_preview,
)
from domain.inventory.cars import cars_import
from domain.inventory.rules import CAR_FIELDS, clean_car
from domain.permissions import Actor
from domain.types import DealerStatus
from tests.support.factories import make_admin, make_dealer, make_user
from tests.support.workbooks import HEADERS, TextCell, car_cells, cars_workbook, changed, valid_cars, workbook

CARS = valid_cars(6)


def car_count() -> int:
    with UnitOfWork(write=False) as uow:
        return uow.session.exec(select(func.count()).select_from(Car)).one()


def preview(dealer: Actor, data: bytes) -> UploadReport:
    return upload_preview(dealer, dealer.dealer_id or 0, data)


def problems_of(report: UploadReport, row: int) -> str:
    return str(next(line["Problems"] for line in report_rows(report) if line["Row"] == row))


@pytest.fixture
def dealer(store: str) -> Actor:
    return make_dealer()


def test_the_template_describes_every_column_and_its_example_is_a_valid_car() -> None:
    book = load_workbook(io.BytesIO(cars_template()))
    assert [cell.value for cell in book["Cars"][1]] == HEADERS
    help_rows = list(book["Help"].iter_rows(min_row=2, max_row=len(HEADERS) + 1, values_only=True))
    assert [row[0] for row in help_rows] == HEADERS
    assert "one of: petrol, diesel" in str(help_rows[HEADERS.index("Fuel")][2])
    assert clean_car(EXAMPLE_CAR)["vin"] == "1HGCM82633A004352"
    assert book["Cars"].data_validations.dataValidation  # dropdowns and ranges while typing


def test_a_valid_workbook_previews_clean_and_imports_whole(dealer: Actor) -> None:
    fractions: list[float] = []
    report = upload_preview(dealer, dealer.dealer_id or 0, cars_workbook(CARS), progress=fractions.append)
    assert report.all_valid and (report.total, report.valid_count) == (6, 6)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert upload_import(dealer, dealer.dealer_id or 0, report) == 6
    assert car_count() == 6
    with UnitOfWork(write=False) as uow:
        entry = uow.session.exec(select(AuditLog).where(AuditLog.action == "cars_import")).one()
    assert entry.after is not None and entry.after["cars"] == 6


def test_a_filled_in_template_is_read(dealer: Actor) -> None:
    book = load_workbook(io.BytesIO(cars_template()))
    for car in CARS[:2]:
        book["Cars"].append([car[name] for name in car])
    buffer = io.BytesIO()
    book.save(buffer)
    assert preview(dealer, buffer.getvalue()).all_valid


def _truncated() -> bytes:
    data = cars_workbook(CARS)
    return data[: len(data) // 2]


def _empty_book() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@cache
def _too_many_rows() -> bytes:
    return cars_workbook(valid_cars(MAX_ROWS + 1, seed=11))


REJECTED: dict[str, tuple[Callable[[], bytes], str]] = {
    "png": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(200), "not an Excel workbook"),
    "csv renamed .xlsx": (lambda: b"VIN,Make\n1HGCM82633A004352,Honda\n", "not an Excel workbook"),
    "random bytes": (lambda: random.Random(3).randbytes(4000), "not an Excel workbook"),
    "old xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "old .xls"),
    "truncated zip": (_truncated, "damaged"),
    "empty workbook": (_empty_book, "workbook is empty"),
    "header only": (lambda: cars_workbook([]), "no cars below it"),
    "missing column": (lambda: workbook([], headers=[h for h in HEADERS if h != "Make"]),
                       "Missing columns: Make."),
    "renamed column": (lambda: workbook([], headers=["Maker" if h == "Make" else h for h in HEADERS]),
                       r"Missing columns: Make\..*does not have.*: Maker \(B\)\..*exactly these columns"
                       r".*: VIN"),
    "extra column": (lambda: workbook([], headers=[*HEADERS, "Price"]), "does not have.*: Price"),
    "value under no header": (lambda: workbook([[*car.values(), None, "?"] for car in CARS],
                                               headers=HEADERS),
                              "cells have values but their column has no header.*: "
                              "T2, T3, T4, T5, T6 and 1 more"),
    "over the size limit": (lambda: b"PK\x03\x04" + bytes(MAX_BYTES), "the limit is 5 MB"),
    "over the row limit": (_too_many_rows, "more than 10,000 cars"),
}


@pytest.mark.parametrize("case", REJECTED, ids=list(REJECTED))
def test_an_unusable_file_is_refused_with_a_reason_and_changes_nothing(dealer: Actor, case: str) -> None:
    make, message = REJECTED[case]
    before = car_count()
    with pytest.raises(WorkbookRejected, match=message):
        preview(dealer, make())
    assert car_count() == before


BAD_CELLS: dict[str, tuple[dict[str, Any], str]] = {
    "formula": ({"make": '=CONCAT("Maru","ti")'}, "Make contains a formula; paste the value instead"),
    "text that looks like a formula": ({"colour": TextCell("=Red")}, "Colour contains a formula"),
    "error value": ({"make": "#N/A"}, "Make shows the error #N/A"),
    "date in Year": ({"year": datetime(2019, 4, 1)}, "Year must be a whole number, not a date"),
    "number in Make": ({"make": 1234}, "Make must be text, not a number"),
    "text in Odometer": ({"odometer_km": "about 40k"}, "Odometer (km) must be a whole number"),
    "huge number": ({"odometer_km": 10**15}, "between 0 and 2000000"),
    "huge year": ({"year": 1e20}, "Year is 100000000000000000000; it must be between 1950"),
    "leading plus": ({"make": "+Tata"}, "Make starts with '+'"),
    "leading minus": ({"model": "-Nexon"}, "Model starts with '-'"),
    "leading at": ({"city": "@Pune"}, "City starts with '@'"),
    "bad VIN check digit": ({"vin": "1HGCM82643A004352"}, "VIN check digit is wrong"),
    "unknown choice": ({"fuel": "steam"}, "Fuel must be one of: petrol"),
}


@pytest.mark.parametrize("case", BAD_CELLS, ids=list(BAD_CELLS))
def test_a_bad_cell_is_a_problem_of_its_row_and_nothing_is_imported(dealer: Actor, case: str) -> None:
    values, message = BAD_CELLS[case]
    report = preview(dealer, cars_workbook(changed(CARS, 2, **values)))
    assert (report.valid_count, report.invalid_count) == (5, 1)
    assert message in problems_of(report, 4)  # the header is row 1, so the third car is row 4
    assert report_rows(report)[2]["Status"] == "invalid"
    with pytest.raises(UploadHasProblems, match="1 of 6 rows have problems"):
        upload_import(dealer, dealer.dealer_id or 0, report)
    assert car_count() == 0


def test_a_problem_names_its_column_and_shows_the_cell(dealer: Actor) -> None:
    report = preview(dealer, cars_workbook(changed(CARS, 0, make=1234, owners=99)))
    problems = report.rows[0].problems
    assert [(p.column, p.value) for p in problems] == [("Make", "1234"), ("Owners", "99")]
    assert "between 0 and 20" in problems[1].message


def test_every_occurrence_of_a_repeated_vin_is_flagged(dealer: Actor) -> None:
    cars = changed(CARS, 4, vin=CARS[1]["vin"])
    report = preview(dealer, cars_workbook(cars))
    for row in (3, 6):
        assert f"VIN {CARS[1]['vin']} appears in rows 3, 6" in problems_of(report, row)
    assert report.invalid_count == 2 and car_count() == 0


def test_a_vin_already_listed_is_flagged(dealer: Actor) -> None:
    cars_import(dealer, dealer.dealer_id or 0, CARS[:1])
    report = preview(dealer, cars_workbook(CARS))
    assert "is already listed" in problems_of(report, 2)
    with pytest.raises(UploadHasProblems):
        upload_import(dealer, dealer.dealer_id or 0, report)
    assert car_count() == 1


def test_a_vin_listed_after_the_preview_makes_the_import_fail_whole(dealer: Actor) -> None:
    report = preview(dealer, cars_workbook(CARS))
    other = make_dealer()
    cars_import(other, other.dealer_id or 0, CARS[3:4])  # someone lists one of these cars meanwhile
    with pytest.raises(ValidationFailed, match="Already listed"):
        upload_import(dealer, dealer.dealer_id or 0, report)
    assert car_count() == 1


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(dealer: Actor) -> None:
    rows = [list(CARS[0].values()), [None] * len(HEADERS), list(CARS[1].values()), [""] * 3, [None] * 4]
    report = preview(dealer, workbook(rows, headers=HEADERS))
    assert [row.row for row in report.rows] == [2, 4] and report.all_valid


def test_a_bidder_can_neither_preview_nor_import(dealer: Actor) -> None:
    bidder = make_user()
    report = preview(dealer, cars_workbook(CARS))
    with pytest.raises(Forbidden):
        upload_preview(bidder, dealer.dealer_id or 0, cars_workbook(CARS))
    with pytest.raises(Forbidden):
        upload_import(bidder, dealer.dealer_id or 0, report)
    assert car_count() == 0


def test_a_dealer_cannot_upload_into_another_store(dealer: Actor) -> None:
    other = make_dealer()
    with pytest.raises(Forbidden):
        upload_preview(dealer, other.dealer_id or 0, cars_workbook(CARS))


def test_a_store_that_is_not_verified_cannot_import(dealer: Actor) -> None:
    report = preview(dealer, cars_workbook(CARS))
    dealers.dealer_review(make_admin(), dealer.dealer_id or 0, to=DealerStatus.SUSPENDED, note="Audit")
    # `dealer` was loaded before the suspension, as a page's session cache may still hold it
    with pytest.raises(DealerNotVerified):
        upload_import(dealer, dealer.dealer_id or 0, report)
    with pytest.raises(DealerNotVerified):
        preview(dealer, cars_workbook(CARS))
    assert car_count() == 0


def test_headers_may_be_the_templates_field_names_in_any_case_and_spacing(dealer: Actor) -> None:
    names = [field.name for field in CAR_FIELDS]
    mixed = [label if index % 2 else name.title()
             for index, (name, label) in enumerate(zip(names, HEADERS, strict=True))]
    spaced = [f" {name.replace('_', ' ')}  " for name in names]
    styles = [names, [name.upper() for name in names], spaced, mixed]
    for headers in styles:
        report = preview(dealer, workbook([car_cells(car) for car in CARS], headers=headers))
        assert report.all_valid and report.total == len(CARS), headers


def test_every_value_outside_the_template_is_reported_however_far_right(dealer: Actor) -> None:
    rows = [car_cells(car) for car in CARS]
    rows[0] += [None] * 9 + ["note"]  # column AB, past the 26 columns the reader used to look at
    rows[3] += [None, "?"]  # column T
    rows[5] += [None] * 16_365 + ["far"]  # column XFD, the last Excel has
    with pytest.raises(WorkbookRejected, match=r"no header.*: T5; AB2; XFD7\. Delete them"):
        preview(dealer, workbook(rows, headers=HEADERS))
    assert car_count() == 0
