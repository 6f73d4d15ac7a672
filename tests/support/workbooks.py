"""Workbooks for upload tests: valid cars with valid, unique VINs, a writer that can break cells, and
hostile workbooks (shared-string, styled-cell and zip bombs, sheets claiming or reaching a million rows)."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from domain.inventory.rules import CAR_FIELDS
from domain.inventory.vin import make_vin

HEADERS = [field.label for field in CAR_FIELDS]
# (make, model, variant, world manufacturer code, body, engine cc)
MODELS = (
    ("Maruti Suzuki", "Swift", "VXI", "MA3", "hatchback", 1197),
    ("Hyundai", "Creta", "SX", "MAL", "suv", 1497),
    ("Tata", "Nexon", "XZ+", "MAT", "suv", 1199),
    ("Mahindra", "Scorpio", "S11", "MA1", "suv", 2179),
    ("Honda", "City", "ZX", "MAK", "sedan", 1498),
)
CITIES = ("Pune", "Mumbai", "Delhi", "Bengaluru", "Chennai", "Jaipur")


class TextCell(str):
    """A value the workbook must store as text even when it looks like a formula ("=1+1")."""


def valid_cars(count: int, *, seed: int = 7) -> list[dict[str, Any]]:
    """`count` valid cars, as a dealer would type them, each with its own valid VIN."""
    rng, vins = random.Random(seed), set[str]()
    cars: list[dict[str, Any]] = []
    while len(cars) < count:
        car = _car(rng)
        if car["vin"] not in vins:
            vins.add(car["vin"])
            cars.append(car)
    return cars


def _car(rng: random.Random) -> dict[str, Any]:
    make, model, variant, wmi, body, engine = rng.choice(MODELS)
    year = rng.randint(2010, 2023)
    return {"vin": make_vin(rng, wmi, year=year), "make": make, "model": model, "variant": variant,
            "year": year, "body_type": body, "fuel": rng.choice(["petrol", "diesel"]),
            "transmission": rng.choice(["manual", "automatic", "amt"]), "engine_cc": engine,
            "odometer_km": rng.randint(5_000, 180_000), "registration_year": year,
            "owners": rng.randint(1, 3), "colour": rng.choice(["White", "Grey", "Red", "Blue"]),
            "city": rng.choice(CITIES), "title_status": "clean", "damage": "none",
            "condition_grade": rng.randint(2, 5), "description": "Serviced at the dealer."}


def changed(cars: Sequence[dict[str, Any]], index: int, **values: Any) -> list[dict[str, Any]]:
    """A copy of `cars` with some fields of one car replaced."""
    copy = [dict(car) for car in cars]
    copy[index].update(values)
    return copy


def car_cells(car: dict[str, Any]) -> list[Any]:
    return [car.get(field.name) for field in CAR_FIELDS]


def cars_workbook(cars: Iterable[dict[str, Any]], *, headers: Sequence[str] | None = None) -> bytes:
    return workbook((car_cells(car) for car in cars), headers=HEADERS if headers is None else headers)


def workbook(rows: Iterable[Sequence[Any]], *, headers: Sequence[str] | None = None,
             sheet_title: str = "Cars") -> bytes:
    """An .xlsx with `headers` (if any) then `rows`; write-only mode keeps 10,000 rows quick."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    if headers is not None:
        sheet.append(list(headers))
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, TextCell):
        return value
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell


# Hostile workbooks: small files that unpack to far more work than any cars workbook -------------------
# Each is a well-formed .xlsx that openpyxl would read (slowly, with hundreds of MB): written part by
# part and streamed, so building one costs the test process little memory.

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CHUNK_ROWS = 2_000
MB = 1024 * 1024
RAW_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<workbook {NS.decode()} xmlns:r="{REL}"><sheets>'
        '<sheet name="Cars" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": (
        f'<styleSheet {NS.decode()}><fonts count="1"><font/></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf/><xf fillId="0" applyFill="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


def raw_workbook(sheet: Iterable[bytes], shared_strings: Iterable[bytes] = (b"<sst " + NS + b"/>",)) -> bytes:
    """An .xlsx written part by part, its sheet and shared strings streamed from chunks of XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in RAW_PARTS.items():
            archive.writestr(name, text)
        for name, chunks in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared_strings)):
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return buffer.getvalue()


def cars_sheet(cars: Sequence[dict[str, Any]], *, dimension: str | None = None,
               before_data: Iterable[bytes] = (), after_cars: Iterable[bytes] = ()) -> Iterator[bytes]:
    """A sheet of the template's header and `cars`, with hostile XML where the arguments put it."""
    yield b"<worksheet " + NS + b">"
    span = dimension or f"A1:{get_column_letter(len(HEADERS))}{len(cars) + 1}"
    yield f'<dimension ref="{span}"/>'.encode()
    yield from before_data
    yield b"<sheetData>" + _xml_row(1, HEADERS)
    for number, car in enumerate(cars, start=2):
        yield _xml_row(number, car_cells(car))
    yield from after_cars
    yield b"</sheetData></worksheet>"


def _xml_row(number: int, values: Sequence[Any]) -> bytes:
    cells = []
    for column, value in enumerate(values, start=1):
        ref = f"{get_column_letter(column)}{number}"
        if isinstance(value, int):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        elif value is not None:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'.encode()


def shared_string_bomb(count: int = 5_500_000) -> bytes:
    """~0.2 MB holding millions of one-letter shared strings: openpyxl loads each as an object."""
    head = f'<sst {NS.decode()} count="{count}" uniqueCount="{count}">'.encode()
    return raw_workbook(cars_sheet(valid_cars(2)), _repeat(head, b"<si><t>a</t></si>", count, b"</sst>"))


def distinct_strings(count: int) -> bytes:
    """`count` different shared strings: compresses like a real file, so only counting finds it."""
    head = f'<sst {NS.decode()} count="{count}" uniqueCount="{count}">'.encode()
    texts = (b"".join(b"<si><t>%x</t></si>" % (start + index) for index in range(CHUNK_ROWS))
             for start in range(0, count, CHUNK_ROWS))
    return raw_workbook(cars_sheet(valid_cars(2)), chain([head], texts, [b"</sst>"]))


def wide_sheet(rows: int, columns: int) -> bytes:
    """A sheet of `rows` rows of numbers, `columns` wide: a real-looking file with too many cells."""
    lines = (_xml_row(number, [number * column for column in range(1, columns + 1)])
             for number in range(3, rows + 3))
    return raw_workbook(cars_sheet(valid_cars(1), after_cars=lines))


def styled_cells_bomb(megabytes: int = 95) -> bytes:
    """Rows of empty formatted cells, no values and no addresses (both optional in the format):
    ~0.4 MB that unpacks to `megabytes` of cells, each an object to openpyxl."""
    row = b"<row>" + b'<c s="1"/>' * 100 + b"</row>"
    rows = (row * CHUNK_ROWS for _ in range(megabytes * MB // (len(row) * CHUNK_ROWS)))
    return raw_workbook(cars_sheet(valid_cars(1), after_cars=rows))


def repeated_rows(count: int) -> bytes:
    """`count` empty rows that all claim to be row 3: no row number ever looks too far down."""
    rows = (b'<row r="3"/>' * CHUNK_ROWS for _ in range(count // CHUNK_ROWS))
    return raw_workbook(cars_sheet(valid_cars(1), after_cars=rows))


def zip_bomb(megabytes: int = 300) -> bytes:
    """A sheet whose XML carries `megabytes` of blank padding: legal, and each byte is parsed."""
    padding = (b" " * MB for _ in range(megabytes))
    return raw_workbook(cars_sheet(valid_cars(1), before_data=padding))


def huge_dimension() -> bytes:
    """A sheet that says it spans every cell Excel allows (A1:XFD1048576) but holds two rows."""
    return raw_workbook(cars_sheet(valid_cars(1), dimension="A1:XFD1048576"))


def far_row(row: int = 1_048_576) -> bytes:
    """One stray value at the very bottom of the sheet, below a valid car."""
    return raw_workbook(cars_sheet(valid_cars(1), after_cars=[_xml_row(row, ["x"])]))


def _repeat(head: bytes, item: bytes, count: int, tail: bytes) -> Iterator[bytes]:
    yield head
    for start in range(0, count, CHUNK_ROWS * 50):
        yield item * min(CHUNK_ROWS * 50, count - start)
    yield tail
