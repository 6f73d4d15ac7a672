"""The cars workbook (FR10): the template dealers fill in, and a careful reader for what they upload.

Both sides are derived from `CAR_FIELDS`, so the template, the reader and the car form never disagree.
The reader treats every upload as hostile: it checks the size and the zip container before openpyxl
sees the file, reads in streaming (read-only) mode with formulas left as formulas, and bounds the work
a crafted file can cause. A file it cannot use as a whole raises `WorkbookRejected`; a bad cell is a
problem of its row, reported with every other problem of the upload.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook, load_workbook
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.formula.tokenizer import TokenizerError
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from domain.car_rules import (
    CAR_FIELDS,
    FIELDS_BY_NAME,
    CarField,
    year_high,  # the rolling upper bound lives with the rules
)
from domain.errors import DomainError
from domain.vin import VIN_LENGTH

MB = 1024 * 1024
MAX_BYTES = 5 * MB
MAX_ROWS = 10_000
MAX_UNPACKED_BYTES = 100 * MB  # declared sizes are enforced by zipfile's CRC check: no zip bombs
MAX_COLUMNS = len(CAR_FIELDS) + 8  # a crafted row 16,384 cells wide is cut here, not padded out
LAST_SHEET_ROW = 1_048_576  # Excel's own limit; a file claiming rows past it is not a real sheet
SHEET_NAME, HELP_SHEET = "Cars", "Help"
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
# openpyxl fails on damaged files in many ways, none of them ours: any of these means "unreadable".
UNREADABLE = (zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, IndexError, EOFError,
              OSError, RuntimeError, ParseError, InvalidFileException, TokenizerError)
DAMAGED = ("This workbook is damaged and cannot be read. Open it in Excel, save it again as "
           "“Excel Workbook (.xlsx)”, and upload that copy.")
NOT_XLSX = ("This is not an Excel workbook (.xlsx). Download the template, fill it in, and save it "
            "as “Excel Workbook (.xlsx)” — a CSV, an old .xls or a picture cannot be read.")
EXAMPLE_CAR: dict[str, Any] = {
    "vin": "1HGCM82633A004352", "make": "Honda", "model": "Accord", "variant": "EX-L", "year": 2003,
    "body_type": "sedan", "fuel": "petrol", "transmission": "automatic", "engine_cc": 2997,
    "odometer_km": 148_000, "registration_year": 2003, "owners": 2, "colour": "Silver", "city": "Pune",
    "title_status": "clean", "damage": "minor", "condition_grade": 3,
    "description": "Full service history; new tyres in 2024.",
}  # fmt: skip


class WorkbookRejected(DomainError):
    """The upload cannot be used as a cars workbook at all; nothing in it was read into the store."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number Excel shows, so the dealer can find it
    values: dict[str, Any]  # each field's raw cell value, keyed by field name
    cell_problems: dict[str, str] = field(default_factory=dict)  # e.g. a formula where a value belongs


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


def read_car_rows(data: bytes) -> SheetRows:
    """Every non-blank row of an uploaded workbook with its raw values, or WorkbookRejected."""
    _check_container(data)
    try:
        return _read_book(data)
    except UNREADABLE as error:
        raise WorkbookRejected(DAMAGED) from error


def _check_container(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise WorkbookRejected(f"The file is {len(data) / MB:.1f} MB; the limit is {MAX_BYTES // MB} MB. "
                               "Split your cars into smaller workbooks and upload them one by one.")
    if data.startswith(OLE_MAGIC):
        raise WorkbookRejected("This is an old .xls file or a password-protected workbook. Remove the "
                               "password and save it as “Excel Workbook (.xlsx)”.")
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookRejected(NOT_XLSX)


def _read_book(data: bytes) -> SheetRows:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise WorkbookRejected(f"This workbook unpacks to more than {MAX_UNPACKED_BYTES // MB} MB, "
                                   "far more than its cars need; save a copy with the values only.")
        if "xl/workbook.xml" not in archive.namelist():
            raise WorkbookRejected(NOT_XLSX)
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    try:
        sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
        sheet.reset_dimensions()  # the stored size may be wrong; read what is really there
        return _sheet_rows(sheet.iter_rows(max_col=MAX_COLUMNS))
    finally:
        book.close()


def _sheet_rows(rows: Iterator[Sequence[Any]]) -> SheetRows:
    header = next(rows, ())
    if _blank(header):
        raise WorkbookRejected(_empty_message(rows))
    columns = _columns(header)
    unheaded = [index for index in range(MAX_COLUMNS) if index not in columns]
    found: SheetRows = []
    for number, cells in enumerate(rows, start=2):
        if number > LAST_SHEET_ROW:
            raise WorkbookRejected(DAMAGED)
        if _blank(cells):
            continue  # empty rows (often at the end) carry no car
        _refuse_unheaded(cells, unheaded, number)
        found.append(_sheet_row(number, cells, columns))
        if len(found) > MAX_ROWS:
            raise WorkbookRejected(f"This workbook has more than {MAX_ROWS:,} cars; the limit is "
                                   f"{MAX_ROWS:,} per upload. Split it and upload the parts one by one.")
    if not found:
        raise WorkbookRejected("The sheet has its header row but no cars below it: add one car per row.")
    return found


def _empty_message(rows: Iterator[Sequence[Any]]) -> str:
    if all(_blank(cells) for cells in islice(rows, LAST_SHEET_ROW)):
        return "The workbook is empty. Download the template and add one car per row."
    return f"The first row must hold the column names ({_expected()}), but it is empty."


def _columns(header: Sequence[Any]) -> dict[int, str]:
    """Which field each column holds, matched on the template's labels (case and spacing aside)."""
    by_label = {_label_key(car_field.label): car_field.name for car_field in CAR_FIELDS}
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        if cell.value is None or not str(cell.value).strip():
            continue
        name = by_label.get(_label_key(cell.value))
        if name is None or name in columns.values():
            unknown.append(str(cell.value).strip()[:40])
        else:
            columns[index] = name
    missing = [car_field.label for car_field in CAR_FIELDS if car_field.name not in columns.values()]
    if missing or unknown:
        raise WorkbookRejected(_header_message(missing, unknown))
    return columns


def _header_message(missing: list[str], unknown: list[str]) -> str:
    parts = ["The header row does not match the template."]
    if missing:
        parts.append(f"Missing columns: {', '.join(missing)}.")
    if unknown:
        parts.append(f"Columns the template does not have (renamed, repeated or extra): "
                     f"{', '.join(unknown)}.")
    parts.append(f"The first row must hold exactly these columns: {_expected()}.")
    return " ".join(parts)


def _expected() -> str:
    return ", ".join(car_field.label for car_field in CAR_FIELDS)


def _label_key(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _refuse_unheaded(cells: Sequence[Any], unheaded: list[int], number: int) -> None:
    """Values under no header would be silently lost; the dealer should decide what they are."""
    for index in unheaded:
        if index < len(cells) and not _blank((cells[index],)):
            raise WorkbookRejected(f"Cell {get_column_letter(index + 1)}{number} has a value but its "
                                   "column has no header. Delete that column or name it as in the template.")


def _sheet_row(number: int, cells: Sequence[Any], columns: dict[int, str]) -> SheetRow:
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for index, name in columns.items():
        cell = cells[index] if index < len(cells) else EMPTY_CELL
        values[name] = _plain(cell.value)
        problem = _cell_problem(cell.data_type, values[name])
        if problem:
            problems[name] = f"{FIELDS_BY_NAME[name].label} {problem}"
    return SheetRow(number=number, values=values, cell_problems=problems)


def _plain(value: Any) -> Any:
    """Array and data-table formulas come back as objects; show them as the formula text they are."""
    if isinstance(value, ArrayFormula):
        return str(value.text)
    return "=TABLE()" if isinstance(value, DataTableFormula) else value


def _cell_problem(data_type: str, value: Any) -> str | None:
    if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        return "contains a formula; paste the value instead (Copy, then Paste Special → Values)."
    if data_type == "e":
        return f"shows the error {value}; replace it with the value."
    return None


def _blank(cells: Sequence[Any]) -> bool:
    return all(cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())
               for cell in cells)
