"""Bulk upload (FR10, NFR4): a dealer's inventory from one Excel workbook, previewed, then imported.

The preview reads every row, checks it with the one definition of a valid car (`clean_car`), and
finds VINs repeated in the file or already listed, so the dealer sees every problem at once and
fixes the workbook in one go. The import adds every row in one transaction (`cars_import_cleaned`) or
none, and only from a preview in which every row is valid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from data.excel_cars import (
    MAX_BYTES,
    MAX_ROWS,
    SheetRow,
    WorkbookRejected,
    WorkbooksBusy,
    cars_template,
    read_car_rows,
)
from data.uow import UnitOfWork
from domain.errors import DomainError, ValidationFailed
from domain.inventory.cars import cars_import_cleaned, require_verified_store, vins_known
from domain.inventory.rules import CAR_FIELDS, FIELDS_BY_NAME, clean_car, clean_field
from domain.permissions import Actor

__all__ = ["MAX_BYTES", "MAX_ROWS", "CellProblem", "RowResult", "RowSummary", "UploadHasProblems",
           "UploadReport", "UploadSummary", "WorkbookRejected", "WorkbooksBusy", "report_rows",
           "upload_import", "upload_preview", "upload_summary", "upload_template"]

Progress = Callable[[float], object]
VIN_BATCH = 1_000  # VINs per lookup: a handful of queries for a full upload, far below bind limits
CHECK_EVERY = 500  # rows validated between progress reports
READ_DONE, CHECK_DONE = 0.3, 0.8  # rough shares of the work, for the progress bar
FIELD_ORDER = {car_field.name: index for index, car_field in enumerate(CAR_FIELDS)}
MAX_LISTED = 10


class UploadHasProblems(DomainError):
    """The preview found invalid rows; nothing is imported until the workbook is fixed."""


@dataclass(frozen=True)
class CellProblem:
    column: str  # the column's label, as in the header row
    value: str  # what the cell held, as text
    message: str  # what is wrong and how to fix it


@dataclass(frozen=True)
class RowResult:
    row: int  # the spreadsheet's row number
    values: Mapping[str, Any]  # the cleaned car when the row is valid, else its cells as read
    problems: tuple[CellProblem, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class UploadReport:
    rows: tuple[RowResult, ...]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def invalid_count(self) -> int:
        return sum(not row.valid for row in self.rows)

    @property
    def valid_count(self) -> int:
        return self.total - self.invalid_count

    @property
    def all_valid(self) -> bool:
        return self.total > 0 and self.invalid_count == 0


@dataclass(frozen=True)
class RowSummary:
    row: int
    valid: bool
    vin: str
    car: str
    problems: tuple[CellProblem, ...]


@dataclass(frozen=True)
class UploadSummary:
    """What an upload came to, row by row: the API's answer to a workbook."""

    total: int
    valid: int
    invalid: int
    imported: int
    rows: list[RowSummary]


def upload_summary(report: UploadReport, imported: int) -> UploadSummary:
    rows = [RowSummary(r.row, r.valid, str(r.values.get("vin") or "")[:60],
                       f"{r.values.get('make') or ''} {r.values.get('model') or ''}".strip()[:120],
                       r.problems) for r in report.rows]
    return UploadSummary(report.total, report.valid_count, report.invalid_count, imported, rows)


@dataclass
class _Check:
    """One row while it is being checked; problems are (field name, message) pairs."""

    sheet: SheetRow
    car: dict[str, Any] | None
    problems: list[tuple[str, str]] = field(default_factory=list)
    vin: str | None = None


def upload_template() -> bytes:
    """The workbook to fill in: one column per car field, with a Help sheet."""
    return cars_template()


def upload_preview(actor: Actor, dealer_id: int, data: bytes,
                   progress: Progress | None = None) -> UploadReport:
    """Read and check an uploaded workbook; writes nothing. Raises WorkbookRejected for unusable files."""
    tell = progress or (lambda _fraction: None)
    with UnitOfWork(write=False) as uow:  # refuse before reading a byte of someone else's upload
        require_verified_store(uow, actor, dealer_id)
    tell(0.0)
    rows = read_car_rows(data, progress=lambda share: tell(READ_DONE * share))
    tell(READ_DONE)
    checks = _check_rows(rows, tell)
    _flag_repeated_vins(checks)
    _flag_known_vins(checks, tell)
    tell(1.0)
    return UploadReport(rows=tuple(_result(check) for check in checks))


def upload_import(actor: Actor, dealer_id: int, report: UploadReport) -> int:
    """Add every previewed car in one transaction, or none; returns how many were added. A valid
    row's values are what `clean_car` returned in `upload_preview`, so they are not checked again."""
    if not report.all_valid:
        raise UploadHasProblems(f"{report.invalid_count} of {report.total} rows have problems, so nothing "
                                "was imported. Fix them in your workbook and upload it again.")
    return cars_import_cleaned(actor, dealer_id, [row.values for row in report.rows])


def report_rows(report: UploadReport) -> list[dict[str, Any]]:
    """The preview table: one line per row, its status, the car, and what to fix."""
    return [{"Row": result.row, "Status": "valid" if result.valid else "invalid",
             "VIN": _shown(result.values.get("vin")),
             "Car": f"{_shown(result.values.get('make'))} {_shown(result.values.get('model'))}".strip(),
             "Problems": "\n".join(_problem_text(problem) for problem in result.problems)}
            for result in report.rows]


def _check_rows(rows: Sequence[SheetRow], tell: Progress) -> list[_Check]:
    checks: list[_Check] = []
    for done, row in enumerate(rows, start=1):
        checks.append(_check_row(row))
        if done % CHECK_EVERY == 0:
            tell(READ_DONE + (CHECK_DONE - READ_DONE) * done / len(rows))
    tell(CHECK_DONE)
    return checks


def _check_row(row: SheetRow) -> _Check:
    try:
        car: dict[str, Any] | None = clean_car(row.values)
        problems: dict[str, str] = {}
    except ValidationFailed as failed:
        car, problems = None, failed.problems
    problems |= row.cell_problems  # "contains a formula" says more than the rule it broke
    return _Check(sheet=row, car=car, problems=list(problems.items()), vin=_vin_of(row, car, problems))


def _vin_of(row: SheetRow, car: dict[str, Any] | None, problems: Mapping[str, str]) -> str | None:
    """The row's VIN when it is valid, even if other fields are not: repeats are found either way."""
    if car is not None:
        return str(car["vin"])
    if "vin" in problems:
        return None
    return str(clean_field(FIELDS_BY_NAME["vin"], row.values.get("vin")))  # clean_car found it valid


def _flag_repeated_vins(checks: list[_Check]) -> None:
    """Every occurrence is flagged, with the other rows named, so the dealer picks the right one."""
    by_vin: dict[str, list[_Check]] = defaultdict(list)
    for check in checks:
        if check.vin:
            by_vin[check.vin].append(check)
    for vin, group in by_vin.items():
        if len(group) > 1:
            rows = _listed([check.sheet.number for check in group])
            for check in group:
                check.problems.append(("vin", f"VIN {vin} appears in rows {rows}; each car is listed once, "
                                              "so delete the repeats or correct the VIN."))


def _flag_known_vins(checks: list[_Check], tell: Progress) -> None:
    vins = sorted({check.vin for check in checks if check.vin})
    known: set[str] = set()
    for start in range(0, len(vins), VIN_BATCH):
        known |= vins_known(vins[start:start + VIN_BATCH])
        tell(CHECK_DONE + (1 - CHECK_DONE) * min(1.0, (start + VIN_BATCH) / len(vins)))
    for check in checks:
        if check.vin in known:
            check.problems.append(("vin", f"VIN {check.vin} is already listed; a car is listed once, so "
                                          "delete this row (to change your own listing, edit it instead)."))


def _result(check: _Check) -> RowResult:
    ordered = sorted(check.problems, key=lambda problem: FIELD_ORDER[problem[0]])
    problems = tuple(CellProblem(column=FIELDS_BY_NAME[name].label,
                                 value=_shown(check.sheet.values.get(name)), message=message)
                     for name, message in ordered)
    # one copy per row, not two: a 10,000-row preview is kept in the session until imported
    values = check.car if check.car is not None and not problems else check.sheet.values
    return RowResult(row=check.sheet.number, values=values, problems=problems)


def _listed(numbers: list[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[:MAX_LISTED])
    more = len(numbers) - MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)[:60]


def _problem_text(problem: CellProblem) -> str:
    return f"{problem.message} [cell: {problem.value}]" if problem.value else problem.message
