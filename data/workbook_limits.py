"""How much work an uploaded workbook may cause, checked before calamine parses any of it.

A real 10,000-row workbook unpacks to about 9 MB, with a few hundred thousand cells and strings. A
crafted one can be a fraction of a megabyte and unpack to a hundred: millions of tiny shared strings
or of empty styled cells, each of which the reader turns into cells. These checks read only
the zip directory and byte patterns of the parts the reader would load, so a hostile file is refused in
milliseconds with a reason; the sandbox (`data/sandbox.py`) bounds whatever slips past them.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import column_index_from_string

from data.errors import DomainError

MB = 1024 * 1024
MAX_BYTES = 5 * MB  # the upload itself
MAX_ROWS = 10_000  # cars per upload
LAST_ROW = 2 * MAX_ROWS + 1  # blank rows between cars are fine; a sheet reaching far below is not
MAX_PARTS = 200  # a workbook saved by Excel has a dozen or two
MAX_PART_BYTES = 32 * MB  # one sheet or the shared strings of a full upload: ~9 MB
MAX_OTHER_PART_BYTES = 8 * MB  # styles, theme, drawings: kilobytes in a real file
MAX_UNPACKED_BYTES = 48 * MB  # declared sizes are enforced by zipfile's CRC check: no zip bombs
MAX_RATIO = 100  # real workbooks compress 5-20 times; bombs hundreds or thousands of times
RATIO_FROM_BYTES = MB  # small parts may compress well; only big ones are held to the ratio
MAX_COLUMNS = 64  # columns a full upload may fill (the template has 18), for the cell budget
MAX_CELLS = (LAST_ROW + 1) * MAX_COLUMNS // 2  # cells stored, values or empty styled ones alike
MAX_SHARED_STRINGS = MAX_CELLS
SHARED_STRINGS = "xl/sharedStrings.xml"
CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
ROW = re.compile(rb"<(?:\w+:)?row[\s/>]")
SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s/>]")
ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d{1,9})\"")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]{0,3}\d*:?[A-Z]{0,3}(\d{1,9})\"")
WIDE_CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{2,3})\d")  # columns past Z: rare in a real upload
# The reader (calamine) holds the sheet as one rectangle from A1 to the last row and the widest column:
# 20,001 rows of the template's 18 columns are 360,000 cells; a stray value in column XFD of row 300
# is 4.9 million, still fine; one in a 10,000-row sheet would be 164 million, refused before parsing.
MAX_GRID = 5_000_000


class WorkbookRejected(DomainError):
    """The upload cannot be used as a cars workbook at all; nothing in it was read into the store."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number Excel shows, so the dealer can find it
    values: dict[str, Any]  # each field's raw cell value, keyed by field name
    cell_problems: dict[str, str] = field(default_factory=dict)  # e.g. a formula where a value belongs


def too_complex(reason: str) -> WorkbookRejected:
    return WorkbookRejected(f"This file is too complex: {reason}. The template holds at most "
                            f"{MAX_ROWS:,} cars, and a full one unpacks to about 9 MB. Copy your cars "
                            "into a fresh template (values only) and upload that.")


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose parts would unpack to far more than any cars workbook needs."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise too_complex(f"it holds {len(parts):,} parts, where a workbook has a few dozen")
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED_BYTES:
        raise too_complex(f"it unpacks to {total / MB:,.0f} MB (at most {MAX_UNPACKED_BYTES // MB} MB)")
    for part in parts:
        _check_part(part)


def _check_part(part: zipfile.ZipInfo) -> None:
    big = part.filename.startswith("xl/worksheets/") or part.filename == SHARED_STRINGS
    limit = MAX_PART_BYTES if big else MAX_OTHER_PART_BYTES
    if part.file_size > limit:
        raise too_complex(f"its part {part.filename[:60]} unpacks to {part.file_size / MB:,.0f} MB "
                          f"(at most {limit // MB} MB)")
    ratio = part.file_size / max(part.compress_size, 1)
    if part.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
        raise too_complex(f"its part {part.filename[:60]} is compressed {ratio:,.0f} times "
                          f"(real workbooks: under {MAX_RATIO})")


def check_shared_strings(archive: zipfile.ZipFile) -> None:
    """The reader loads every shared string when it opens a workbook: count them first."""
    if SHARED_STRINGS not in archive.namelist():
        return
    count = _count(archive.read(SHARED_STRINGS), SHARED_STRING, MAX_SHARED_STRINGS)
    if count > MAX_SHARED_STRINGS:
        raise too_complex(f"it holds more than {MAX_SHARED_STRINGS:,} distinct texts")


def check_sheet(archive: zipfile.ZipFile, part: str) -> int:
    """The sheet's stated size, its cells and its last row (returned), before any becomes an object."""
    xml = archive.read(part)
    claimed = DIMENSION.search(xml[:4096])
    if claimed and int(claimed[1]) > LAST_ROW:
        raise too_complex(f"its sheet says it spans {int(claimed[1]):,} rows")
    if _count(xml, ROW, LAST_ROW) > LAST_ROW:
        raise too_complex(f"its sheet stores more than {LAST_ROW:,} rows (filled or formatted)")
    if _count(xml, CELL, MAX_CELLS) > MAX_CELLS:
        raise too_complex(f"its sheet stores more than {MAX_CELLS:,} cells (filled or formatted)")
    last = max((int(number) for number in ROW_NUMBER.findall(xml)), default=0)
    if last > LAST_ROW:
        raise too_complex(f"its sheet reaches row {last:,}; delete the empty rows below your cars")
    width = max((column_index_from_string(letters.decode()) for letters in WIDE_CELL.findall(xml)),
                default=26)  # column Z
    if last * width > MAX_GRID:
        raise too_complex(f"its cells span {last:,} rows by {width:,} columns; delete the cells far to "
                          "the right of your cars")
    return last


def _count(xml: bytes, pattern: re.Pattern[bytes], cap: int) -> int:
    """Matches of `pattern`, counting no further than one past `cap`."""
    count = 0
    for count, _match in enumerate(pattern.finditer(xml), start=1):
        if count > cap:
            break
    return count
