"""Reading the copy: an in-memory DuckDB connection whose views show the latest row of each key.

The views are built from the manifest alone. A table's rows are its base part, minus the keys that a
delta part touched, plus the newest version of each touched key that is not a tombstone; this keeps
the expensive "latest version" window to the small deltas, while the big base is scanned plainly.
One connection is kept per process and rebuilt when the manifest changes; callers get a cursor of
their own (DuckDB cursors are safe to use from different threads, one each).
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import duckdb

from analytics.schema import CHANGE, DELETED, TABLES, CopyTable
from analytics.storage import Manifest, TableParts, manifest_read, root


class CopyMissing(RuntimeError):
    """The analytics copy has not been built yet: run `python -m analytics.refresh`."""


_lock = threading.Lock()
_cached: dict[str, tuple[int, duckdb.DuckDBPyConnection]] = {}


def _files(folder: Path, names: list[str]) -> str:
    return "[" + ", ".join(f"'{folder / n}'" for n in names) + "]"


def latest_sql(table: CopyTable, parts: TableParts, folder: Path, *, meta: bool = False) -> str:
    """SELECT of the table's current rows; with `meta`, the version column too (for compaction)."""
    cols = ", ".join(f'"{n}"' for n in table.names + ([CHANGE] if meta else []))  # "at" is reserved
    base = f"SELECT {cols} FROM read_parquet({_files(folder, [parts.base])})"
    if not parts.deltas:
        return base
    deltas = (f"SELECT * FROM read_parquet({_files(folder, parts.deltas)}) "
              f"QUALIFY {CHANGE} = max({CHANGE}) OVER (PARTITION BY {table.key})")
    return (f"WITH d AS ({deltas}) {base} WHERE {table.key} NOT IN (SELECT {table.key} FROM d) "
            f"UNION ALL SELECT {cols} FROM d WHERE NOT {DELETED}")


def open_copy(manifest: Manifest, folder: Path) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection with one view per copied table."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    for name, parts in manifest.tables.items():
        con.execute(f"CREATE VIEW {name} AS {latest_sql(TABLES[name], parts, folder)}")
    return con


def connect(folder: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the current copy (cached per process, rebuilt when a refresh has published)."""
    folder = folder or root()
    manifest = manifest_read(folder)
    if manifest is None:
        raise CopyMissing("The analytics copy has not been built yet: run `python -m analytics.refresh`.")
    key = str(folder)
    with _lock:
        cached = _cached.get(key)
        if cached is None or cached[0] != manifest.seq:
            # The old connection is not closed: a query on another thread may still be using it.
            _cached[key] = (manifest.seq, open_copy(manifest, folder))
        cursor = _cached[key][1].cursor()
    cursor.execute("SET TimeZone = 'UTC'")
    return cursor


def freshness(folder: Path | None = None) -> datetime | None:
    """When the copy last started reading the store (UTC): it holds every change committed before."""
    manifest = manifest_read(folder or root())
    return datetime.fromisoformat(manifest.refreshed_at) if manifest else None
