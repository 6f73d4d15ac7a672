"""Writing a report relation to CSV, Excel or Parquet, streamed batch by batch.

A million rows never sit in memory at once: DuckDB hands over Arrow record batches and each is written
and dropped. Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or
carriage return: OWASP's CSV injection list) are neutralised with a leading apostrophe in CSV and
Excel; Parquet is data, not a spreadsheet, and keeps values as they are. Excel stops a sheet at
1,048,576 rows, so the export continues on a new sheet.

Times are written in the reader's time zone, as the app shows them, and say so: in CSV as ISO 8601
with the offset ("2026-10-12 14:30:00+05:30") under a header naming the zone ("sold_at
(Asia/Kolkata)"); in Excel, which has no zones, as local times under that header; in Parquet as
timestamps typed with the zone (the instant is unchanged, readers show it in that zone).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

BATCH_ROWS = 50_000
EXCEL_MAX_ROWS = 1_048_576  # per sheet, the header included
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[int], None]  # rows written so far


class FileFormat(StrEnum):
    CSV = "csv"
    EXCEL = "xlsx"
    PARQUET = "parquet"


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would evaluate becomes plain text; everything else is unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> bytes:
    """A table as CSV for a download button, its formula-like text cells neutralised."""
    text: str = frame.map(neutralise).to_csv(index=False)
    return text.encode()


def write_report(relation: duckdb.DuckDBPyRelation, fmt: FileFormat, path: Path,
                 progress: Progress | None = None, zone: str = "UTC") -> int:
    """Write the relation to `path`, its times in `zone`; returns the number of rows."""
    writer = {FileFormat.CSV: _write_csv, FileFormat.EXCEL: _write_excel,
              FileFormat.PARQUET: _write_parquet}[fmt]
    return writer(_Zoned(relation, zone), path, progress or (lambda _rows: None))


class _Zoned:
    """The relation's batches with every zoned time column moved to `zone` (the same instants)."""

    def __init__(self, relation: duckdb.DuckDBPyRelation, zone: str) -> None:
        self.relation, self.zone = relation, zone
        self.columns = [f"{name} ({zone})" if str(kind) == "TIMESTAMP WITH TIME ZONE" else name
                        for name, kind in zip(relation.columns, relation.types, strict=True)]

    def batches(self) -> Iterator[pa.RecordBatch]:
        for batch in self.relation.to_arrow_reader(BATCH_ROWS):
            arrays = [column.cast(pa.timestamp(column.type.unit, tz=self.zone)) if _is_zoned(column.type)
                      else column for column in batch.columns]
            yield pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def _is_zoned(kind: pa.DataType) -> bool:
    return pa.types.is_timestamp(kind) and kind.tz is not None


def _rows(batch: pa.RecordBatch) -> Iterator[list[Any]]:
    columns = [column.to_pylist() for column in batch.columns]
    for values in zip(*columns, strict=True):
        yield [neutralise(value) for value in values]


def _write_csv(relation: _Zoned, path: Path, progress: Progress) -> int:
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(relation.columns)
        for batch in relation.batches():
            out.writerows(_rows(batch))
            written += batch.num_rows
            progress(written)
    return written


def _write_excel(relation: _Zoned, path: Path, progress: Progress) -> int:
    book = Workbook(write_only=True)  # rows go straight to the file: constant memory
    sheet, on_sheet, written, sheets = None, EXCEL_MAX_ROWS, 0, 0
    for batch in relation.batches():
        for row in _rows(batch):
            if on_sheet >= EXCEL_MAX_ROWS:
                sheets += 1
                sheet = book.create_sheet(f"Report {sheets}" if sheets > 1 else "Report")
                sheet.append(list(relation.columns))
                on_sheet = 1
            assert sheet is not None
            sheet.append([_excel_value(value) for value in row])
            on_sheet += 1
        written += batch.num_rows
        progress(written)
    if sheet is None:
        book.create_sheet("Report").append(list(relation.columns))
    book.save(path)
    return written


def _excel_value(value: Any) -> Any:
    """Excel has no time zones or 64-bit decimals: times as naive local times, exact money as numbers."""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, dict | list):
        return str(value)
    return value


def _write_parquet(relation: _Zoned, path: Path, progress: Progress) -> int:
    written, writer = 0, None
    try:
        for batch in relation.batches():
            writer = writer or pq.ParquetWriter(path, batch.schema)
            writer.write_batch(batch)
            written += batch.num_rows
            progress(written)
        if writer is None:
            relation.relation.write_parquet(str(path))
    finally:
        if writer is not None:
            writer.close()
    return written
