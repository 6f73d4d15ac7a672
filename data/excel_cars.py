"""The cars workbook (FR10): the template dealers fill in, and a careful reader for what they upload.

Both sides are derived from `CAR_FIELDS`, so the template, the reader and the car form never disagree.
The reader treats every upload as hostile: it checks the size and the file type here, then reads in a
sandboxed child process (`data/sandbox.py`) that measures the zip, the shared strings and the sheet
before calamine parses them (`data/workbook_limits.py`), and finds the formulas and errors calamine
does not show in the sheet's XML (`data/excel_reader.py`, `data/workbook_parts.py`). A file it cannot
use as a whole raises `WorkbookRejected`;
a bad cell is a problem of its row, reported with every other problem of the upload.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from data import sandbox
from data.car_fields import CAR_FIELDS, VIN_LENGTH, CarField, year_high
from data.errors import DomainError
from data.excel_reader import NOT_XLSX, SHEET_NAME, read_rows
from data.sandbox import Limits, SandboxFailed
from data.workbook_limits import MAX_BYTES, MAX_ROWS, MB, SheetRow, WorkbookRejected, too_complex

__all__ = ["MAX_BYTES", "MAX_ROWS", "SheetRow", "SheetRows", "WorkbookRejected", "WorkbooksBusy",
           "cars_template", "read_car_rows"]

HELP_SHEET = "Help"
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
# A full 10,000-row upload reads in 2-4 s of CPU and under 200 MB of address space; these leave room on a busy
# machine and still answer "too complex" within seconds.
READ_LIMITS = Limits(cpu_seconds=20, memory_bytes=1024 * MB, wall_seconds=40)
# openpyxl imports numpy when it is there, only to write numpy numbers; reading never needs it, and
# leaving it out takes a third off the sandboxed reader's start (measured: 0.42 -> 0.29 s of CPU).
NOT_READING = ("numpy",)
EXAMPLE_CAR: dict[str, Any] = {
    "vin": "1HGCM82633A004352", "make": "Honda", "model": "Accord", "variant": "EX-L", "year": 2003,
    "body_type": "sedan", "fuel": "petrol", "transmission": "automatic", "engine_cc": 2997,
    "odometer_km": 148_000, "registration_year": 2003, "owners": 2, "colour": "Silver", "city": "Pune",
    "title_status": "clean", "damage": "minor", "condition_grade": 3,
    "description": "Full service history; new tyres in 2024.",
}  # fmt: skip


class WorkbooksBusy(DomainError):
    """Every sandbox slot of this server process is taken; the upload can be sent again shortly."""


SheetRows = list[SheetRow]


# The template ------------------------------------------------------------------------------------


def cars_template() -> bytes:
    """A workbook with one column per car field, input rules and dropdowns, and a Help sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    sheet.append([car_field.label for car_field in CAR_FIELDS])
    sheet.freeze_panes = "A2"
    for index, car_field in enumerate(CAR_FIELDS, start=1):
        _format_column(sheet, index, car_field)
    _write_help(book.create_sheet(HELP_SHEET))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _format_column(sheet: Any, index: int, car_field: CarField) -> None:
    letter = get_column_letter(index)
    sheet.cell(row=1, column=index).font = Font(bold=True)
    column = sheet.column_dimensions[letter]
    column.width = max(12, len(car_field.label) + 4)
    if car_field.kind != "int":  # typed as text, a model called "800" stays text, not a number
        column.number_format = "@"
    rule = _input_rule(car_field)
    rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(rule)


def _input_rule(car_field: CarField) -> DataValidation:
    """Excel's own check while typing; the upload is still checked in full by `clean_car`."""
    if car_field.choices is not None:
        values = ",".join(choice.value for choice in car_field.choices)
        rule = DataValidation(type="list", formula1=f'"{values}"')
    elif car_field.kind == "int":
        rule = DataValidation(type="whole", operator="between", formula1=str(car_field.low),
                              formula2=str(car_field.high or year_high()))
    elif car_field.kind == "vin":
        rule = DataValidation(type="textLength", operator="equal", formula1=str(VIN_LENGTH))
    else:
        rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(car_field.max_len))
    rule.allow_blank = not car_field.required
    rule.showErrorMessage = rule.showInputMessage = True
    rule.promptTitle, rule.prompt = car_field.label[:32], _allowed(car_field)[:255]
    rule.errorTitle, rule.error = car_field.label[:32], f"Allowed: {_allowed(car_field)}"[:225]
    return rule


def _write_help(sheet: Any) -> None:
    sheet.append(["Column", "Required", "Allowed values", "Hint", "Example"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for car_field in CAR_FIELDS:
        sheet.append([car_field.label, "yes" if car_field.required else "optional",
                      _allowed(car_field), car_field.hint, EXAMPLE_CAR[car_field.name]])
    sheet.append([])
    sheet.append([f"Fill in the “{SHEET_NAME}” sheet, one car per row, up to {MAX_ROWS:,} rows and "
                  f"{MAX_BYTES // MB} MB. Type values, not formulas; keep the header row as it is."])
    for letter, width in zip("ABCDE", (20, 10, 60, 45, 40), strict=True):
        sheet.column_dimensions[letter].width = width


def _allowed(car_field: CarField) -> str:
    if car_field.choices is not None:
        return "one of: " + ", ".join(choice.value for choice in car_field.choices)
    if car_field.kind == "int":
        return f"a whole number from {car_field.low} to {car_field.high or year_high()}"
    if car_field.kind == "vin":
        return f"{VIN_LENGTH} letters and digits (no I, O or Q)"
    return f"text, up to {car_field.max_len:,} characters"


# The reader --------------------------------------------------------------------------------------


def read_car_rows(data: bytes, progress: Callable[[float], object] | None = None) -> SheetRows:
    """Every non-blank row of an uploaded workbook with its raw values, or WorkbookRejected.
    The reading runs in a sandboxed child process: whatever the file makes openpyxl do, this
    process spends neither its CPU nor its memory on it; `progress` gets the share read so far."""
    _check_container(data)
    try:
        rows: SheetRows = sandbox.run_limited(read_rows, data, READ_LIMITS, progress, unused=NOT_READING)
    except SandboxFailed as failed:
        if failed.reason == "busy":
            raise WorkbooksBusy("The server is checking many workbooks right now; upload yours again "
                                "in a minute.") from failed
        raise too_complex("reading it takes more time or memory than any cars workbook") from failed
    return rows


def _check_container(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise WorkbookRejected(f"The file is {len(data) / MB:.1f} MB; the limit is {MAX_BYTES // MB} MB. "
                               "Split your cars into smaller workbooks and upload them one by one.")
    if data.startswith(OLE_MAGIC):
        raise WorkbookRejected("This is an old .xls file or a password-protected workbook. Remove the "
                               "password and save it as “Excel Workbook (.xlsx)”.")
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookRejected(NOT_XLSX)
