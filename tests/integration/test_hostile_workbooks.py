"""Hostile workbooks within the size limit: each is refused as "too complex" within seconds, before
openpyxl builds its millions of objects, and the server process neither works nor grows for it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from data import excel_cars
from data.excel_cars import WorkbookRejected, read_car_rows
from data.sandbox import Limits
from data.workbook_limits import LAST_ROW, MAX_CELLS, MAX_SHARED_STRINGS
from domain.inventory.bulk_upload import UploadReport, upload_preview
from domain.permissions import Actor
from tests.support.factories import make_dealer
from tests.support.memory import peak_mb, rss_mb
from tests.support.workbooks import (
    cars_workbook,
    distinct_strings,
    far_row,
    huge_dimension,
    repeated_rows,
    shared_string_bomb,
    styled_cells_bomb,
    valid_cars,
    wide_sheet,
    zip_bomb,
)

SECONDS = 10.0  # generous on a loaded machine; the unchecked files took 89 s and more
GROWTH_MB = 60.0  # the parent's memory may move by noise, never by the hundreds of MB a bomb costs
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "shared-string bomb (5.5 M strings, 0.2 MB)": (shared_string_bomb, "unpacks to 89 MB"),
    "styled empty cells (95 MB, 0.3 MB)": (styled_cells_bomb, "unpacks to 9\\d MB"),
    "zip bomb (300 MB of padding)": (zip_bomb, "unpacks to 300 MB"),
    "sheet claiming a million rows": (huge_dimension, "says it spans 1,048,576 rows"),
    "a value in the last row": (far_row, "reaches row 1,048,576"),
    "highly compressed strings": (lambda: shared_string_bomb(1_000_000), "compressed 4\\d\\d times"),
    "700,000 distinct strings": (lambda: distinct_strings(700_000),
                                 f"more than {MAX_SHARED_STRINGS:,} distinct texts"),
    "30,000 rows all numbered 3": (lambda: repeated_rows(30_000), f"more than {LAST_ROW:,} rows"),
    "10,000 rows 70 columns wide": (lambda: wide_sheet(10_000, 70), f"more than {MAX_CELLS:,} cells"),
}


@pytest.fixture
def dealer(store: str) -> Actor:
    return make_dealer()


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_workbook_is_refused_within_seconds_at_no_cost_to_the_server(dealer: Actor,
                                                                              case: str) -> None:
    make, reason = HOSTILE[case]
    data = make()
    rss, peak, started = rss_mb(), peak_mb(), time.monotonic()
    with pytest.raises(WorkbookRejected, match=f"This file is too complex: .*{reason}"):
        upload_preview(dealer, dealer.dealer_id or 0, data)
    assert time.monotonic() - started < SECONDS
    assert rss_mb() - rss < GROWTH_MB and peak_mb() - peak < GROWTH_MB


def test_whatever_gets_past_the_checks_is_stopped_by_the_childs_cpu_limit(
        dealer: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    data = cars_workbook(valid_cars(2_000))
    monkeypatch.setattr(excel_cars, "READ_LIMITS", Limits(cpu_seconds=0, memory_bytes=2**30, wall_seconds=30))
    started = time.monotonic()
    with pytest.raises(WorkbookRejected, match="too complex: reading it takes more time or memory"):
        upload_preview(dealer, dealer.dealer_id or 0, data)
    assert time.monotonic() - started < SECONDS


def test_or_by_its_memory_limit(dealer: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    # The reader child starts in ~41 MB of address space (numpy left out) and reading 10,000 rows takes
    # ~20 MB more: a 48 MB limit lets it start and stops it reading.
    monkeypatch.setattr(excel_cars, "READ_LIMITS", Limits(cpu_seconds=20, memory_bytes=48 * 2**20,
                                                          wall_seconds=30))
    with pytest.raises(WorkbookRejected, match="too complex: reading it takes more time or memory"):
        upload_preview(dealer, dealer.dealer_id or 0, cars_workbook(valid_cars(10_000)))


def test_bombs_uploaded_together_do_not_hold_up_an_honest_upload(dealer: Actor) -> None:
    bombs = [shared_string_bomb(), styled_cells_bomb(), shared_string_bomb()]
    honest = cars_workbook(valid_cars(300))

    def preview(data: bytes) -> UploadReport | str:
        try:
            return upload_preview(dealer, dealer.dealer_id or 0, data)
        except WorkbookRejected as refused:
            return str(refused)

    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        answers: Iterator[UploadReport | str] = pool.map(preview, [*bombs, honest])
        *refusals, report = list(answers)
    assert all("too complex" in str(refusal) for refusal in refusals)
    assert isinstance(report, UploadReport) and report.all_valid and report.total == 300
    assert time.monotonic() - started < 2 * SECONDS


def test_the_read_reports_its_progress_from_the_child() -> None:
    seen: list[float] = []
    assert len(read_car_rows(cars_workbook(valid_cars(3_000)), progress=seen.append)) == 3_000
    assert seen and seen == sorted(seen) and 0 < seen[-1] <= 1
