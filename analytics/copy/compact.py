"""Compaction: many small delta parts become one, and deltas are folded into the base when large.

Both run inside the refresher (under its lock) with DuckDB, writing a new part beside the old ones;
the manifest then swaps to it in one atomic replace. Both keep tombstones: a process's in-memory copy
(`analytics.memory`) applies every row version newer than the one it holds, from whichever part now
holds it, so a delete folded into the base must still be there to be seen. Deletes are rare (a car
removed from stock, a user's last role), so the tombstones cost next to nothing.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb

from analytics.copy.schema import CHANGE, TABLES
from analytics.copy.storage import Manifest, TableParts, latest_sql, parquet_list, publish

MERGE_AT = 16  # delta parts before they are merged into one
FOLD_RATIO = 0.2  # deltas bigger than this share of the base are folded into it


def compact(manifest: Manifest, folder: Path) -> list[str]:
    """Compact every table that needs it, in place in `manifest`; returns the tables compacted."""
    done = []
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    for name, parts in manifest.tables.items():
        if _should_fold(parts, folder):
            manifest.tables[name] = TableParts(_fold(con, name, parts, folder, manifest.seq))
            done.append(name)
        elif len(parts.deltas) >= MERGE_AT:
            parts.deltas = [_merge(con, name, parts, folder, manifest.seq)]
            done.append(name)
    con.close()
    return done


def _should_fold(parts: TableParts, folder: Path) -> bool:
    if not parts.deltas:
        return False
    delta_bytes = sum((folder / d).stat().st_size for d in parts.deltas)
    return delta_bytes > FOLD_RATIO * (folder / parts.base).stat().st_size


def _fold(con: duckdb.DuckDBPyConnection, name: str, parts: TableParts, folder: Path, seq: int) -> str:
    table = TABLES[name]
    query = (f"SELECT * FROM ({latest_sql(table, parts, folder, meta=True, tombstones=True)}) "
             f"ORDER BY {table.key}")  # sorted by key: ids follow time, so row-group statistics prune
    return _copy(con, query, name, folder, seq)


def _merge(con: duckdb.DuckDBPyConnection, name: str, parts: TableParts, folder: Path, seq: int) -> str:
    key = TABLES[name].key
    query = (f"SELECT * FROM read_parquet({parquet_list(folder, parts.deltas)}) "
             f"QUALIFY {CHANGE} = max({CHANGE}) OVER (PARTITION BY {key})")
    return _copy(con, query, name, folder, seq)


def _copy(con: duckdb.DuckDBPyConnection, query: str, name: str, folder: Path, seq: int) -> str:
    relative = f"{name}/{seq:012d}-{uuid.uuid4().hex[:8]}.parquet"
    final = folder / relative
    temp = final.with_name(f".tmp-{final.name}")
    con.execute(f"COPY ({query}) TO '{temp}' (FORMAT parquet, COMPRESSION zstd)")
    publish(temp, final)
    return relative
