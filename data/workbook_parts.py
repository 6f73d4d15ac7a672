"""The parts of an uploaded workbook that calamine does not show: which zip part holds the cars sheet
(so it is measured before it is parsed) and which cells hold formulas or errors.

calamine reads a formula cell as its cached result and an error cell as empty; the dealer must instead
be told to paste values, as openpyxl's reader did. Formulas and errors are rare, so the sheet's XML is
searched for their markers only, and each marker's cell address is read from its `<c r="B7">` tag.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from typing import Any
from xml.sax.saxutils import unescape

from openpyxl.utils import column_index_from_string
from openpyxl.xml.functions import fromstring  # defusedxml's when installed, as openpyxl parsed it

from data.workbook_limits import WorkbookRejected

WORKBOOK, WORKBOOK_RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
WORKSHEET_TYPE = "/worksheet"  # the relationship type's ending; chart sheets end in /chartsheet
FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
ERROR_CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*?\bt=\"e\"[^>]*>(?:\s*<(?:\w+:)?v>([^<]*)<)?")
CELL_OPEN = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})(\d{1,9})\"")
ENTITIES = {"&quot;": '"', "&apos;": "'"}
NO_ADDRESS = ("This workbook stores a formula or an error in a cell without its address. Open it in "
              "Excel, save it again as “Excel Workbook (.xlsx)”, and upload that copy.")


def sheet_part(archive: zipfile.ZipFile, wanted: str) -> tuple[str, str]:
    """The sheet named `wanted`, or else the first worksheet: its name and its part in the zip."""
    targets = {rel.get("Id"): rel for rel in _children(archive, WORKBOOK_RELS, "Relationship")}
    sheets = []
    for sheet in _children(archive, WORKBOOK, "sheet"):
        rel_id = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), None)
        rel = targets.get(rel_id)
        if rel is not None and rel.get("Type", "").endswith(WORKSHEET_TYPE):
            sheets.append((sheet.get("name", ""), _part(rel.get("Target", ""))))
    if not sheets:
        raise KeyError("no worksheet")  # read as a damaged workbook
    return next((sheet for sheet in sheets if sheet[0] == wanted), sheets[0])


def _children(archive: zipfile.ZipFile, part: str, tag: str) -> list[Any]:
    root = fromstring(archive.read(part))  # a few kilobytes, measured by check_archive
    return [element for element in root.iter() if element.tag.rsplit("}", 1)[-1] == tag]


def _part(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")


def marked_cells(xml: bytes) -> dict[int, dict[int, dict[str, Any]]]:
    """Formula and error cells by row and column, valued as the dealer sees them in the formula bar."""
    marked: dict[int, dict[int, dict[str, Any]]] = {}
    for found in FORMULA.finditer(xml):
        text = unescape((found[1] or b"").decode(), ENTITIES)
        _mark(marked, _address(xml, found.start()), "f", f"={text}")
    for found in ERROR_CELL.finditer(xml):
        _mark(marked, _address_at(xml, found.start()), "e", (found[1] or b"").decode())
    return marked


def _address(xml: bytes, inside: int) -> tuple[int, int]:
    """The row and column of the cell whose XML holds position `inside`."""
    return _address_at(xml, max(xml.rfind(b"<c ", 0, inside), xml.rfind(b":c ", 0, inside) - 1))


def _address_at(xml: bytes, start: int) -> tuple[int, int]:
    """The row and column of the cell whose tag opens at `start`."""
    cell = CELL_OPEN.match(xml, start) if start >= 0 else None
    if cell is None:
        raise WorkbookRejected(NO_ADDRESS)
    return int(cell[2]), column_index_from_string(cell[1].decode())


def _mark(marked: dict[int, dict[int, dict[str, Any]]], address: tuple[int, int], kind: str,
          value: str) -> None:
    row, column = address
    marked.setdefault(row, {})[column] = {"column": column, "value": value, "data_type": kind}
