"""Writing a report relation to CSV, Excel or Parquet, streamed batch by batch.

A million rows never sit in memory at once: DuckDB hands over Arrow record batches and each is written
and dropped. Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or
carriage return: OWASP's CSV injection list) are neutralised with a leading apostrophe in CSV and
Excel; Parquet is data, not a spreadsheet, and keeps values as they are. Excel stops a sheet at
1,048,576 rows, so the export continues on a new sheet.
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
                 progress: Progress | None = None) -> int:
    """Write the relation to `path`; returns the number of rows."""
    writer = {FileFormat.CSV: _write_csv, FileFormat.EXCEL: _write_excel,
              FileFormat.PARQUET: _write_parquet}[fmt]
    return writer(relation, path, progress or (lambda _rows: None))


def _batches(relation: duckdb.DuckDBPyRelation) -> Iterator[pa.RecordBatch]:
    reader = relation.to_arrow_reader(BATCH_ROWS)
    yield from reader


def _rows(batch: pa.RecordBatch) -> Iterator[list[Any]]:
    columns = [column.to_pylist() for column in batch.columns]
    for values in zip(*columns, strict=True):
        yield [neutralise(value) for value in values]


def _write_csv(relation: duckdb.DuckDBPyRelation, path: Path, progress: Progress) -> int:
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(relation.columns)
        for batch in _batches(relation):
            out.writerows(_rows(batch))
            written += batch.num_rows
            progress(written)
    return written


def _write_excel(relation: duckdb.DuckDBPyRelation, path: Path, progress: Progress) -> int:
    book = Workbook(write_only=True)  # rows go straight to the file: constant memory
    sheet, on_sheet, written, sheets = None, EXCEL_MAX_ROWS, 0, 0
    for batch in _batches(relation):
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
    """Excel has no time zones or 64-bit decimals: times as naive UTC, exact money as numbers."""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, dict | list):
        return str(value)
    return value


def _write_parquet(relation: duckdb.DuckDBPyRelation, path: Path, progress: Progress) -> int:
    written, writer = 0, None
    try:
        for batch in _batches(relation):
            writer = writer or pq.ParquetWriter(path, batch.schema)
            writer.write_batch(batch)
            written += batch.num_rows
            progress(written)
        if writer is None:
            relation.write_parquet(str(path))
    finally:
        if writer is not None:
            writer.close()
    return written
