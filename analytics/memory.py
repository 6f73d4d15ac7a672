"""The copy held in memory: one DuckDB database per process, loaded once, then kept current by deltas.

Loading reads the manifest's Parquet parts once into native DuckDB tables, compressed in memory (a
checkpoint after each table: 10M bids take about a quarter of their raw size). After that, each time a
reader asks (`MemoryCopy.sync`) and the manifest has moved on, only the row versions newer than the
ones this process holds are read (`_change > seq`, from the parts written since), and upserted in one
DuckDB transaction: a query sees the copy before or after a refresh, never half of it.

Each table is physically sorted for the queries that scan it, so zone maps skip row groups: bids by
time and lots by end (the platform's time ranges); cars, auctions and sales by dealer. Bids (narrow)
and lots are kept a second time with their auction's dealer, sorted by dealer (`bids_with_dealer`,
`lots_with_dealer`); `analytics/sql/views/*.sql` defines the same two relations as plain views over
the store, so the same query files run on PostgreSQL. Rows changed after loading
are appended out of order; once a table's unordered tail is big enough it is re-sorted.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analytics.copy.schema import CHANGE, DELETED, TABLES
from analytics.copy.storage import Manifest, TableParts, latest_sql, parquet_list


@dataclass(frozen=True)
class Layout:
    source: str  # the copied table the rows come from
    order: str  # ORDER BY of the physical table (after a load or a re-sort)
    columns: tuple[str, ...] = ()  # a narrow projection; () = every column of the source
    with_dealer: bool = False  # carries its auction's dealer_id (first column)


LAYOUTS = {
    "auctions": Layout("auctions", "dealer_id, id"),  # first: the others look their dealer up here
    "bids": Layout("bids", "placed_at, id"),
    "bids_with_dealer": Layout("bids", "dealer_id, lot_id, id", with_dealer=True, columns=(
        "id", "lot_id", "auction_id", "bidder_id", "price_after", "placed_at", "status")),
    "lots": Layout("lots", "ends_at, id"),
    "lots_with_dealer": Layout("lots", "dealer_id, ends_at, id", with_dealer=True),
    "sales": Layout("sales", "dealer_id, sold_at, id"),
    "cars": Layout("cars", "dealer_id, id"),
    "audit_log": Layout("audit_log", "id"),
    **{name: Layout(name, TABLES[name].key) for name in ("users", "user_roles", "dealers")},
}
DEALER_VIEWS = ("bids_with_dealer", "lots_with_dealer")
MEMORY_LIMIT = "1500MB"  # per process; a load's sorts spill to a temp folder past it
RESORT_ROWS = 1_000_000  # rows appended out of order before a table is sorted again
RESORT_SHARE = 0.1  # ... or this share of the table, whichever is larger


def part_seq(relative: str) -> int:
    """The refresh number a part was written by (its name starts with it): it holds nothing newer."""
    return int(Path(relative).name.split("-", 1)[0])


def _columns(layout: Layout, alias: str = "") -> str:
    names = layout.columns or tuple(TABLES[layout.source].names)
    return ", ".join(f'{alias}"{n}"' for n in names)  # "at" is a reserved word


def _select(layout: Layout, source: str) -> str:
    """The rows of `source` (a query over the copied table) shaped as the physical table, unordered."""
    if not layout.with_dealer:
        return f"SELECT {_columns(layout)} FROM ({source}) s"
    return (f"SELECT a.dealer_id, {_columns(layout, 's.')} FROM ({source}) s "
            "LEFT JOIN copy.auctions a ON a.id = s.auction_id")


class MemoryCopy:
    """One process's in-memory copy of one folder's manifest (one `generation` of it)."""

    def __init__(self, manifest: Manifest, folder: Path) -> None:
        self.folder, self.generation = folder, manifest.generation
        self.db = duckdb.connect(":memory:", config={
            "memory_limit": MEMORY_LIMIT, "temp_directory": str(Path(tempfile.gettempdir()) /
                                                                 f"analytics-spill-{os.getpid()}")})
        self.db.execute("SET TimeZone = 'UTC'")
        self.db.execute("ATTACH ':memory:' AS copy (COMPRESS)")
        self.lock = threading.Lock()
        self.appended = dict.fromkeys(LAYOUTS, 0)
        self.rows = dict.fromkeys(LAYOUTS, 0)
        self.seq, self.refreshed_at = manifest.seq, manifest.refreshed_at
        began = time.perf_counter()
        self._load(manifest)
        self.load_seconds = time.perf_counter() - began

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self.db.cursor()
        cursor.execute("SET TimeZone = 'UTC'")
        return cursor

    def sync(self, manifest: Manifest) -> None:
        """Apply the row versions of every refresh after the one this process holds."""
        with self.lock:
            if manifest.seq <= self.seq:
                return
            self._apply(manifest)
            self.seq, self.refreshed_at = manifest.seq, manifest.refreshed_at
            for name, rows in self.rows.items():
                if self.appended[name] > max(RESORT_ROWS, RESORT_SHARE * rows):
                    self._sort(name)

    # --- loading ---------------------------------------------------------------------------------

    def _load(self, manifest: Manifest) -> None:
        con = self.db.cursor()
        for name, layout in LAYOUTS.items():
            source = _latest(layout.source, manifest.tables[layout.source], self.folder)
            con.execute(f"CREATE TABLE copy.{name} AS {_select(layout, source)} ORDER BY {layout.order}")
            con.execute("CHECKPOINT copy")  # compresses: one raw table at a time is the peak
            self.rows[name] = _count(con, name)
        for name in TABLES:  # the copied tables as they are in the store (no hidden column)
            columns = _columns(Layout(name, ""))
            con.execute(f"CREATE VIEW {name} AS SELECT {columns} FROM copy.{name}")
        for view in DEALER_VIEWS:
            con.execute(f"CREATE VIEW {view} AS SELECT * FROM copy.{view}")
        con.close()

    # --- applying refreshes ----------------------------------------------------------------------

    def _apply(self, manifest: Manifest) -> None:
        con = self.db.cursor()
        con.execute("BEGIN TRANSACTION")
        try:
            done: set[str] = set()
            for name, layout in LAYOUTS.items():
                if layout.source not in done:
                    self._read_delta(con, layout.source, manifest.tables[layout.source])
                    done.add(layout.source)
                self._upsert(con, name, layout)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def _read_delta(self, con: duckdb.DuckDBPyConnection, table: str, parts: TableParts) -> None:
        """TEMP table delta_<table>: the newest version of each key changed since this copy's refresh."""
        newer = [p for p in (parts.base, *parts.deltas) if part_seq(p) > self.seq]
        source = (f"SELECT * FROM read_parquet({parquet_list(self.folder, newer or [parts.base])}) "
                  f"WHERE {CHANGE} > {self.seq if newer else 'NULL'}")  # nothing newer: no rows
        key = TABLES[table].key
        con.execute(f"CREATE OR REPLACE TEMP TABLE delta_{table} AS {source} "
                    f"QUALIFY {CHANGE} = max({CHANGE}) OVER (PARTITION BY {key})")
        if table == "auctions":
            _move_dealers(con)

    def _upsert(self, con: duckdb.DuckDBPyConnection, name: str, layout: Layout) -> None:
        delta, key = f"delta_{layout.source}", TABLES[layout.source].key
        if not _count(con, delta, schema="temp"):
            return
        gone = con.execute(f"DELETE FROM copy.{name} WHERE {key} IN (SELECT {key} FROM {delta})").fetchone()
        added = con.execute(f"INSERT INTO copy.{name} "
                            f"{_select(layout, f'SELECT * FROM {delta} WHERE NOT {DELETED}')}").fetchone()
        self.appended[name] += added[0] if added else 0
        self.rows[name] += (added[0] if added else 0) - (gone[0] if gone else 0)

    def _sort(self, name: str) -> None:
        """Re-sort a table whose appended tail no longer follows its order (new table, then swap)."""
        con = self.db.cursor()
        con.execute(f"CREATE TABLE copy.{name}_sorted AS SELECT * FROM copy.{name} "
                    f"ORDER BY {LAYOUTS[name].order}")
        con.execute("BEGIN TRANSACTION")
        con.execute(f"DROP TABLE copy.{name}")
        con.execute(f"ALTER TABLE copy.{name}_sorted RENAME TO {name}")
        con.execute("COMMIT")
        with contextlib.suppress(duckdb.Error):  # compress the new table; skipped while queries run
            con.execute("CHECKPOINT copy")
        con.close()
        self.appended[name] = 0


def _move_dealers(con: duckdb.DuckDBPyConnection) -> None:
    """An auction whose dealer changed takes its lots and bids along (kept exact; rare or never)."""
    moved = ("SELECT d.id, d.dealer_id FROM delta_auctions d JOIN copy.auctions a ON a.id = d.id "
             f"WHERE NOT d.{DELETED} AND a.dealer_id IS DISTINCT FROM d.dealer_id")
    if not con.execute(f"SELECT count(*) FROM ({moved})").fetchall()[0][0]:
        return
    for name in DEALER_VIEWS:
        con.execute(f"UPDATE copy.{name} t SET dealer_id = m.dealer_id FROM ({moved}) m "
                    "WHERE t.auction_id = m.id")


def _count(con: duckdb.DuckDBPyConnection, name: str, schema: str = "copy") -> int:
    row = con.execute(f"SELECT count(*) FROM {schema}.{name}").fetchone()
    return int(row[0]) if row else 0


def _latest(name: str, parts: TableParts, folder: Path) -> str:
    return latest_sql(TABLES[name], parts, folder)
