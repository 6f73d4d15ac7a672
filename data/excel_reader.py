"""Reading an uploaded cars workbook, inside the sandbox's child process (`data.excel_cars` calls it).

The zip, the shared strings and the sheet (its cells, rows and the rectangle they span) are measured
before calamine, a reader written in Rust, loads them (`data/workbook_limits.py`); it reads a full
upload about ten times faster than openpyxl did. Formulas and error cells, which calamine shows by their
cached results, are found in the sheet's XML (`data/workbook_parts.py`), so they are still refused with
their address. A value in any column is seen. Header names match the template's labels or its field
names (`body_type`), in any case and spacing; every column and cell outside the template is refused
with its address, never dropped, so nothing a dealer typed is silently lost.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from itertools import chain
from typing import Any
from xml.etree.ElementTree import ParseError

import python_calamine
from openpyxl.utils import get_column_letter

from data.car_fields import CAR_FIELDS, FIELDS_BY_NAME
from data.workbook_limits import (
    LAST_ROW,
    MAX_ROWS,
    SheetRow,
    WorkbookRejected,
    check_archive,
    check_shared_strings,
    check_sheet,
    too_complex,
)
from data.workbook_parts import marked_cells, sheet_part

Cell = dict[str, Any]  # a stored cell: column (1-based), value, data_type ("f" formula, "e" error, "v")
Parsed = Iterator[tuple[int, list[Cell]]]  # (row number, its stored cells)
SHEET_NAME = "Cars"
MAX_LISTED = 5  # rows named per stray column; the rest are counted
# Damaged files fail in many ways, none of them ours: any of these means "unreadable".
UNREADABLE = (zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, IndexError, EOFError,
              OSError, RuntimeError, ParseError, python_calamine.CalamineError)
EXACT_FLOATS = 2**53  # a whole number below this is stored exactly; Excel stores every number as a float
DAMAGED = ("This workbook is damaged and cannot be read. Open it in Excel, save it again as "
           "“Excel Workbook (.xlsx)”, and upload that copy.")
NOT_XLSX = ("This is not an Excel workbook (.xlsx). Download the template, fill it in, and save it "
            "as “Excel Workbook (.xlsx)” — a CSV, an old .xls or a picture cannot be read.")


def header_key(text: Any) -> str:
    """'Body type', 'body_type' and ' BODY  TYPE ' are one header."""
    return " ".join(str(text).replace("_", " ").split()).casefold()


HEADERS = {header_key(key): car_field.name for car_field in CAR_FIELDS
           for key in (car_field.label, car_field.name)}


def read_rows(data: bytes, report: Callable[[float], None]) -> list[SheetRow]:
    """Every non-blank row with its raw values, or WorkbookRejected; `report` gets the share read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive)
            if "xl/workbook.xml" not in archive.namelist():
                raise WorkbookRejected(NOT_XLSX)
            check_shared_strings(archive)
            return _read_book(data, archive, report)
    except UNREADABLE as error:
        raise WorkbookRejected(DAMAGED) from error


def _read_book(data: bytes, archive: zipfile.ZipFile, report: Callable[[float], None]) -> list[SheetRow]:
    name, part = sheet_part(archive, SHEET_NAME)
    last = check_sheet(archive, part)
    marked = marked_cells(archive.read(part))
    with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)  # anchored at A1
    return _sheet_rows(_parsed(grid, marked), lambda number: report(min(1.0, number / max(last, 1))))


def _parsed(grid: list[list[Any]], marked: dict[int, dict[int, Cell]]) -> Parsed:
    """The sheet's rows that store a value, each with only its cells that hold one.
    calamine shows a formula by its cached result and an error as an empty cell: the cells the
    sheet's XML marks as formulas or errors (`marked`) take their place, as the dealer typed them."""
    for index, values in enumerate(grid):
        number = index + 1
        cells = {column: {"column": column, "value": _plain(value), "data_type": "v"}
                 for column, value in enumerate(values, start=1) if value != ""}
        cells.update(marked.get(number, {}))
        if cells:
            yield number, [cells[column] for column in sorted(cells)]
    for number in sorted(number for number in marked if number > len(grid)):  # formulas with no result
        yield number, [marked[number][column] for column in sorted(marked[number])]


def _sheet_rows(rows: Parsed, report: Callable[[int], None]) -> list[SheetRow]:
    first = next(rows, None)
    if first is None or first[0] != 1 or _blank(first[1]):
        raise WorkbookRejected(_empty_message(rows if first is None else chain([first], rows)))
    columns = _columns(first[1])
    strays: dict[int, list[int]] = defaultdict(list)  # column -> rows with a value under no header
    found: list[SheetRow] = []
    for number, cells in rows:
        if number > LAST_ROW:
            raise too_complex(f"its sheet reaches row {number:,}; delete the empty rows below your cars")
        if _blank(cells):
            continue  # empty rows (often at the end) carry no car
        _note_strays(strays, number, cells, columns)
        found.append(_sheet_row(number, cells, columns))
        if len(found) > MAX_ROWS:
            raise WorkbookRejected(f"This workbook has more than {MAX_ROWS:,} cars; the limit is "
                                   f"{MAX_ROWS:,} per upload. Split it and upload the parts one by one.")
        report(number)
    if strays:
        raise WorkbookRejected(_strays_message(strays))
    if not found:
        raise WorkbookRejected("The sheet has its header row but no cars below it: add one car per row.")
    return found


def _empty_message(rows: Parsed) -> str:
    if all(_blank(cells) for _number, cells in rows):
        return "The workbook is empty. Download the template and add one car per row."
    return f"The first row must hold the column names ({_expected()}), but it is empty."


def _columns(header: list[Cell]) -> dict[int, str]:
    """Which field each column holds, matched on the template's labels or field names."""
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for cell in header:
        if _blank([cell]):
            continue
        name = HEADERS.get(header_key(cell["value"]))
        if name is None or name in columns.values():
            unknown.append(f"{str(cell['value']).strip()[:40]} ({get_column_letter(cell['column'])})")
        else:
            columns[cell["column"]] = name
    missing = [car_field.label for car_field in CAR_FIELDS if car_field.name not in columns.values()]
    if missing or unknown:
        raise WorkbookRejected(_header_message(missing, unknown))
    return columns


def _header_message(missing: list[str], unknown: list[str]) -> str:
    parts = ["The header row does not match the template."]
    if missing:
        parts.append(f"Missing columns: {', '.join(missing)}.")
    if unknown:
        parts.append(f"Columns the template does not have (renamed, repeated or extra; delete them "
                     f"or rename them, since nothing is imported from them): {', '.join(unknown)}.")
    parts.append(f"The first row must hold exactly these columns (or their field names, such as "
                 f"body_type): {_expected()}.")
    return " ".join(parts)


def _expected() -> str:
    return ", ".join(car_field.label for car_field in CAR_FIELDS)


def _note_strays(strays: dict[int, list[int]], number: int, cells: list[Cell],
                 columns: dict[int, str]) -> None:
    for cell in cells:
        if cell["column"] not in columns and not _blank([cell]):
            strays[cell["column"]].append(number)


def _strays_message(strays: dict[int, list[int]]) -> str:
    """Values under no header would be lost; every one is named so the dealer can decide."""
    columns = []
    for column, numbers in sorted(strays.items()):
        letter = get_column_letter(column)
        shown = ", ".join(f"{letter}{number}" for number in numbers[:MAX_LISTED])
        hidden = len(numbers) - MAX_LISTED
        columns.append(shown + (f" and {hidden:,} more in column {letter}" if hidden > 0 else ""))
    return (f"These cells have values but their column has no header, so they would be lost: "
            f"{'; '.join(columns)}. Delete them, or give the column a header from the template.")


def _sheet_row(number: int, cells: list[Cell], columns: dict[int, str]) -> SheetRow:
    by_column = {cell["column"]: cell for cell in cells}
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for column, name in columns.items():
        cell = by_column.get(column)
        values[name] = None if cell is None else _plain(cell["value"])
        problem = None if cell is None else _cell_problem(cell["data_type"], values[name])
        if problem:
            problems[name] = f"{FIELDS_BY_NAME[name].label} {problem}"
    return SheetRow(number=number, values=values, cell_problems=problems)


def _plain(value: Any) -> Any:
    """Values as the checks expect them: calamine reads every number as a float and a date without a
    time as a date; a whole number is an int (an odometer of 148000, not 148000.0), a date a datetime."""
    if isinstance(value, float) and value.is_integer() and abs(value) < EXACT_FLOATS:
        return int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


def _cell_problem(data_type: str, value: Any) -> str | None:
    if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        return "contains a formula; paste the value instead (Copy, then Paste Special → Values)."
    if data_type == "e":
        return f"shows the error {value}; replace it with the value."
    return None


def _blank(cells: list[Cell]) -> bool:
    return all(cell["value"] is None or (isinstance(cell["value"], str) and not cell["value"].strip())
               for cell in cells)
