"""The copy on disk: immutable Parquet part files per table and one small JSON manifest.

Readers trust only the manifest: it names, per table, one compacted base part and the delta parts
written since. Every file is written under a temporary name, fsynced and renamed into place, and the
manifest is replaced last, so a reader sees either the old copy or the new one, never half of it.
Parts that a newer manifest no longer names are deleted only after a grace period, so a query that
started on the old manifest can still finish.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]  # no stubs; pyproject is not ours to edit
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from analytics.copy.schema import CHANGE, DELETED, CopyTable
from data.job_lock import file_lock
from data.settings import get_settings

MANIFEST = "state.json"
GRACE_S = 300.0  # a query on an old manifest has this long to finish before its parts go


@dataclass
class TableParts:
    base: str
    deltas: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    store: str  # which database this copies: another one means a rebuild
    cursor: int  # the change-log cursor (data.changelog) reached by this copy
    seq: int  # the last refresh number; every row version carries the one that wrote it
    refreshed_at: str  # ISO UTC time the last refresh started reading: the copy is at least this fresh
    audit_safe: int  # every audit row with an id up to this is final and copied
    audit_marks: list[list[int]]  # [allocated id, xid horizon] pairs waiting to make audit_safe safe
    tables: dict[str, TableParts]
    generation: str = ""  # new on every rebuild: a reader holding another one loads the copy afresh


def root() -> Path:
    return get_settings().data_dir / "analytics"


def manifest_read(folder: Path | None = None) -> Manifest | None:
    path = (folder or root()) / MANIFEST
    try:
        raw: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    raw["tables"] = {name: TableParts(**parts) for name, parts in raw["tables"].items()}
    return Manifest(**raw)


def manifest_write(manifest: Manifest, folder: Path | None = None) -> None:
    folder = folder or root()
    _atomic_write(folder / MANIFEST, json.dumps(asdict(manifest), indent=1).encode())


def part_write(table: str, data: pa.Table, seq: int, folder: Path | None = None) -> str:
    """Write one immutable part; returns its path relative to the copy's folder."""
    return part_write_batches(table, data.schema, [data], seq, folder)


def part_write_batches(table: str, schema: pa.Schema, batches: Iterable[pa.Table], seq: int,
                       folder: Path | None = None) -> str:
    """Write one immutable part from batches, each written before the next is made (a rebuild's
    memory is one batch); returns its path relative to the copy's folder."""
    folder = folder or root()
    name = f"{table}/{seq:012d}-{uuid.uuid4().hex[:8]}.parquet"
    final = folder / name
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".tmp-{final.name}")
    with pq.ParquetWriter(temp, schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_table(batch)
    publish(temp, final)
    return name


def publish(temp: Path, final: Path) -> None:
    """fsync a finished file, rename it into place, fsync the folder: durable before it is named."""
    with temp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, final)
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _atomic_write(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".tmp-{uuid.uuid4().hex[:8]}-{path.name}")
    temp.write_bytes(payload)
    publish(temp, path)


@contextlib.contextmanager
def refresher_lock(folder: Path | None = None) -> Iterator[bool]:
    """One refresher at a time across processes; yields False (and waits for nobody) when taken."""
    folder = folder or root()
    folder.mkdir(parents=True, exist_ok=True)
    with file_lock(folder / ".lock") as mine:
        yield mine


def collect_garbage(manifest: Manifest, folder: Path | None = None, *, grace_s: float = GRACE_S) -> int:
    """Delete parts (and abandoned temp files) no manifest names any more, once they are old enough."""
    folder = folder or root()
    named = {p for parts in manifest.tables.values() for p in (parts.base, *parts.deltas)}
    cutoff, removed = time.time() - grace_s, 0
    for path in folder.glob("*/*.parquet"):
        relative = f"{path.parent.name}/{path.name}"
        if relative not in named and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def parquet_list(folder: Path, names: list[str]) -> str:
    """DuckDB's list of the part files `names` in `folder`, for `read_parquet(...)`."""
    return "[" + ", ".join(f"'{folder / n}'" for n in names) + "]"


def latest_sql(table: CopyTable, parts: TableParts, folder: Path, *, meta: bool = False,
               tombstones: bool = False) -> str:
    """SELECT of the table's current rows. With `meta`, the version and tombstone columns too; with
    `tombstones`, deleted keys are kept as tombstone rows (compaction keeps them, see `compact`)."""
    cols = ", ".join(f'"{n}"' for n in table.names + ([CHANGE, DELETED] if meta else []))
    live = "true" if tombstones else f"NOT {DELETED}"
    base = f"SELECT {cols} FROM read_parquet({parquet_list(folder, [parts.base])}) WHERE {live}"
    if not parts.deltas:
        return base
    deltas = (f"SELECT * FROM read_parquet({parquet_list(folder, parts.deltas)}) "
              f"QUALIFY {CHANGE} = max({CHANGE}) OVER (PARTITION BY {table.key})")
    return (f"WITH d AS ({deltas}) {base} AND {table.key} NOT IN (SELECT {table.key} FROM d) "
            f"UNION ALL SELECT {cols} FROM d WHERE {live}")
