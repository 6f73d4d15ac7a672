"""Report files: every format, formula neutralisation, Excel's sheet limit, and streaming memory."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from analytics import files
from analytics.files import FileFormat, neutralise, write_report

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "plain", "-"]


def hostile_relation() -> duckdb.DuckDBPyRelation:
    values = ", ".join(f"({i}, '{text}')" for i, text in enumerate(h.replace("'", "''") for h in HOSTILE))
    return duckdb.sql(f"SELECT * FROM (VALUES {values}) AS t(id, note) ORDER BY id")


def test_neutralise_only_touches_dangerous_text() -> None:
    assert neutralise("=1+1") == "'=1+1" and neutralise("\tx") == "'\tx"
    assert neutralise("ok") == "ok" and neutralise(-5) == -5 and neutralise(None) is None


def test_csv_neutralises_every_formula_prefix(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    assert write_report(hostile_relation(), FileFormat.CSV, path) == len(HOSTILE)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["id", "note"]
    notes = [row[1] for row in rows[1:]]
    assert all(note.startswith("'") for note in notes if note != "plain")
    assert "plain" in notes


def test_excel_neutralises_and_stores_text(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_report(hostile_relation(), FileFormat.EXCEL, path)
    sheet = load_workbook(path).active
    values = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(str(v).startswith("'") for v in values if v != "plain")
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_excel_continues_on_a_new_sheet_past_the_row_limit(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "EXCEL_MAX_ROWS", 4)  # the real limit is 1,048,576: same code path
    path = tmp_path / "r.xlsx"
    assert write_report(duckdb.sql("SELECT range AS n FROM range(10)"), FileFormat.EXCEL, path) == 10
    book = load_workbook(path)
    sizes = [sheet.max_row - 1 for sheet in book.worksheets]  # minus each sheet's header
    assert sizes == [3, 3, 3, 1]
    numbers = [row[0] for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == list(range(10))


def test_parquet_keeps_values_and_types(tmp_path: Path) -> None:
    path = tmp_path / "r.parquet"
    write_report(hostile_relation(), FileFormat.PARQUET, path)
    table = pq.read_table(path)
    assert table.column("note").to_pylist() == HOSTILE  # data, not a spreadsheet: untouched


def test_empty_reports_still_have_headers(tmp_path: Path) -> None:
    empty = duckdb.sql("SELECT 1 AS a WHERE false")
    for fmt in FileFormat:
        path = tmp_path / f"e.{fmt}"
        assert write_report(empty, fmt, path) == 0 and path.stat().st_size > 0


def test_a_million_row_export_streams_in_bounded_memory(tmp_path: Path) -> None:
    """Measured in a fresh process, so the figure is the export's own peak, not the test runner's."""
    script = textwrap.dedent(f"""
        import duckdb
        from pathlib import Path
        from analytics.files import FileFormat, write_report
        rel = duckdb.sql("SELECT i AS id, 'note ' || i AS note, i * 1.5 AS amount FROM range(1000000) t(i)")
        rows = write_report(rel, FileFormat.CSV, Path({str(tmp_path / 'big.csv')!r}))
        # VmHWM is this process's own peak; getrusage's maxrss would carry the parent's over exec.
        peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
        print("RESULT", rows, peak_kb // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    result = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    rows, peak_mb = (int(x) for x in result.split()[1:])
    assert rows == 1_000_000
    assert peak_mb < 500, f"peak memory {peak_mb} MB"
