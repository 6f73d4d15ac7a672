"""The uploaded workbook's cells reach the checks as they did under openpyxl, though calamine reads them:
whole numbers as ints, dates as datetimes, formulas without a cached result still refused, blank rows
skipped, and a sheet spanning a huge rectangle refused before it is parsed."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest

from data.excel_cars import WorkbookRejected, read_car_rows
from tests.support.workbooks import HEADERS, car_cells, cars_workbook, valid_cars, workbook

CARS = valid_cars(3)


def test_numbers_are_ints_when_whole_and_dates_are_datetimes() -> None:
    cars = [dict(CARS[0], odometer_km=148_000, engine_cc=1197.5, description=date(2024, 5, 1)),
            dict(CARS[1], description=datetime(2024, 5, 1, 13, 5))]
    rows = read_car_rows(cars_workbook(cars))
    first, second = rows[0].values, rows[1].values
    assert first["odometer_km"] == 148_000 and type(first["odometer_km"]) is int
    assert first["engine_cc"] == 1197.5 and type(first["engine_cc"]) is float
    assert first["description"] == datetime(2024, 5, 1) and type(first["description"]) is datetime
    assert second["description"] == datetime(2024, 5, 1, 13, 5)


def test_blank_rows_between_and_after_the_cars_are_skipped_and_rows_keep_their_numbers() -> None:
    blank = [None] * len(HEADERS)
    rows = read_car_rows(workbook([car_cells(CARS[0]), blank, car_cells(CARS[1]), blank, ["  ", *blank[1:]]],
                                  headers=HEADERS))
    assert [row.number for row in rows] == [2, 4]
    assert rows[1].values["vin"] == CARS[1]["vin"]


def test_a_formula_without_a_cached_result_in_the_last_row_is_still_refused() -> None:
    rows = read_car_rows(cars_workbook([CARS[0], dict(CARS[1], colour='=LOWER("RED")')]))
    assert rows[1].number == 3
    assert rows[1].values["colour"] == '=LOWER("RED")'
    assert "contains a formula" in rows[1].cell_problems["colour"]


def test_a_value_far_right_in_a_long_sheet_is_refused_before_parsing() -> None:
    far = [car_cells(car) for car in valid_cars(400)]
    far[-1] += [None] * (16_384 - len(HEADERS) - 1) + ["far"]  # column XFD, row 401
    with pytest.raises(WorkbookRejected, match=r"span 401 rows by 16,384 columns"):
        read_car_rows(workbook(far, headers=HEADERS))


def test_a_sheet_claiming_the_widest_size_is_read_by_the_cells_it_stores() -> None:
    """calamine must not size its grid by the sheet's stated dimension, which anyone can write."""
    source = zipfile.ZipFile(io.BytesIO(cars_workbook(CARS)))
    claimed = io.BytesIO()
    with zipfile.ZipFile(claimed, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            xml = source.read(part.filename)
            if part.filename.startswith("xl/worksheets/"):
                xml = xml.replace(b"<sheetViews>", b'<dimension ref="A1:XFD20001"/><sheetViews>', 1)
            archive.writestr(part, xml)
    assert [row.values["vin"] for row in read_car_rows(claimed.getvalue())] == [car["vin"] for car in CARS]
