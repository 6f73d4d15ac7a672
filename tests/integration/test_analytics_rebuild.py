"""A rebuild of the analytics copy reads the store in batches of ANALYTICS_REBUILD_BATCH rows and writes
each to the part before reading the next: its memory is one batch, whatever the store's size (a 1M-bid
SQLite store once took a rebuild past 13 GB, one Arrow table per row, all held until the end)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from sqlalchemy import Connection

from analytics.copy import extract, refresh
from analytics.copy.schema import TABLES, CopyTable
from analytics.copy.storage import manifest_read
from data.db import get_engine
from data.settings import get_settings
from demo.generate import generate

BATCH = 100
BIDS = 5_000


@pytest.fixture
def small_batches(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ANALYTICS_REBUILD_BATCH", str(BATCH))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_rebuild_holds_one_batch_whatever_the_store_size(store: str, small_batches: None, data_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    generate(get_engine(), dealers=10, cars=500, auctions=100, bids=BIDS)
    reads: list[tuple[int, int]] = []  # per batch of bids read: its rows, the Arrow memory in use then
    scan_all = extract.scan_all

    def watched(conn: Connection, table: CopyTable, *rest: Any) -> Iterator[list[tuple[Any, ...]]]:
        for rows in scan_all(conn, table, *rest):
            if table.name == "bids":
                reads.append((len(rows), pa.total_allocated_bytes()))
            yield rows

    monkeypatch.setattr(extract, "scan_all", watched)
    report = refresh.rebuild()

    with get_engine().connect() as conn:
        one_batch = extract.to_arrow(TABLES["bids"], extract.fetch_after(conn, TABLES["bids"], 0)[:BATCH], 1)
    in_use = [memory for _, memory in reads]
    # Flat: the batch being written (and the writer's buffers), never the batches before it; holding
    # them all would add 49 batches' worth by the last read (5,000 one-row tables before the fix).
    assert max(in_use) - in_use[0] < 4 * one_batch.nbytes, (in_use[0], max(in_use), one_batch.nbytes)
    sizes = [rows for rows, _ in reads]
    assert report.rows["bids"] == sum(sizes) == BIDS
    assert max(sizes) == BATCH and len(sizes) == BIDS // BATCH  # the settings' batch, on both stores
    manifest = manifest_read()
    assert manifest is not None
    part = data_dir / "analytics" / manifest.tables["bids"].base
    ids = pq.read_table(part, columns=["id"])["id"].to_pylist()
    assert ids == sorted(ids) and len(ids) == BIDS  # in key order, as the sorted copy was
