"""Keeping the analytics copy fresh: `python -m analytics.copy.refresh [--loop] [--rebuild]`.

`refresh_once()` reads the change log since the copy's cursor (`data.changelog.changes_since`, exact
on both stores, late commits included), fetches the changed rows by id in one read transaction, and
publishes them as new delta parts plus a new manifest. Deleted rows become tombstones. A changed user
has their roles re-read too (roles are not in the change log; changing them touches the user row).
The audit log is append-only and is copied by id (see `analytics.copy.audit_marks`). Only one refresher
runs at a time across processes (an flock); another caller skips at once instead of waiting.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]  # no stubs; pyproject is not ours to edit
from sqlalchemy import Connection, Engine

from analytics.copy import audit_marks, extract
from analytics.copy.compact import compact
from analytics.copy.schema import AUDIT, CHANGED, TABLES
from analytics.copy.storage import (
    Manifest,
    TableParts,
    collect_garbage,
    manifest_read,
    manifest_write,
    part_write,
    part_write_batches,
    refresher_lock,
    root,
)
from data.changelog import changes_since, horizon, snapshot_cursor
from data.copy_reads import audit_id_mark, max_id, read_snapshot
from data.db import get_engine
from data.settings import get_settings
from data.types import utcnow

log = logging.getLogger("auction.analytics")


@dataclass
class RefreshReport:
    skipped: bool = False  # another process holds the refresher lock
    rebuilt: bool = False
    changes: int = 0  # change-log rows read
    rows: dict[str, int] = field(default_factory=dict)  # row versions written per table
    compacted: list[str] = field(default_factory=list)
    seconds: float = 0.0


def refresh_once(*, engine: Engine | None = None, folder: Path | None = None) -> RefreshReport:
    """Bring the copy up to date with the store (builds it the first time); skips if locked."""
    engine, folder = engine or get_engine(), folder or root()
    began = time.perf_counter()
    with refresher_lock(folder) as mine:
        if not mine:
            return RefreshReport(skipped=True)
        manifest = manifest_read(folder)
        if manifest is None or manifest.store != _store_name(engine):
            report = _rebuild(engine, folder, manifest)
        else:
            report = _apply_changes(engine, folder, manifest)
    report.seconds = time.perf_counter() - began
    return report


def rebuild(*, engine: Engine | None = None, folder: Path | None = None) -> RefreshReport:
    """Copy every table afresh (the only full reload); waits for a running refresher to finish."""
    engine, folder = engine or get_engine(), folder or root()
    while True:
        with refresher_lock(folder) as mine:
            if mine:
                return _rebuild(engine, folder, manifest_read(folder))
        time.sleep(0.05)


def _store_name(engine: Engine) -> str:
    """The store copied, and the shape of the copy: after a migration changes a copied table's columns
    the copy is rebuilt, rather than mixing parts of two shapes."""
    shape = hashlib.sha256(repr(sorted((t.name, t.columns) for t in TABLES.values())).encode()).hexdigest()
    return f"{engine.url.render_as_string(hide_password=True)}#{shape[:12]}"


def _apply_changes(engine: Engine, folder: Path, manifest: Manifest) -> RefreshReport:
    started = utcnow()
    changes, cursor = changes_since(manifest.cursor, engine=engine)
    keys: dict[str, set[int]] = defaultdict(set)
    for change in changes:
        keys[change.entity].add(change.entity_id)
    seq = manifest.seq + 1
    mark = audit_id_mark(engine)
    with read_snapshot(engine) as conn:
        parts = {name: _changed_rows(conn, name, sorted(keys[name]), seq)
                 for name in CHANGED if keys.get(name)}
        if keys.get("users"):
            parts["user_roles"] = _changed_rows(conn, "user_roles", sorted(keys["users"]), seq)
        parts["audit_log"] = _new_audit(conn, manifest, mark, seq)
    report = RefreshReport(changes=len(changes))
    for name, data in parts.items():
        if data.num_rows:
            manifest.tables[name].deltas.append(part_write(name, data, seq, folder))
            report.rows[name] = data.num_rows
    manifest.cursor, manifest.seq, manifest.refreshed_at = cursor, seq, started.isoformat()
    report.compacted = compact(manifest, folder)
    manifest_write(manifest, folder)
    collect_garbage(manifest, folder)
    return report


def _changed_rows(conn: Connection, name: str, keys: list[int], seq: int) -> pa.Table:
    table = TABLES[name]
    rows = extract.fetch_by_keys(conn, table, keys)
    found = {row[table.names.index(table.key)] for row in rows}
    return extract.to_arrow(table, rows, seq, deleted_keys=[k for k in keys if k not in found])


def _new_audit(conn: Connection, manifest: Manifest, mark: list[int] | None, seq: int) -> pa.Table:
    rows = extract.fetch_after(conn, AUDIT, manifest.audit_safe)
    if mark is None:  # SQLite: whatever is visible is final
        manifest.audit_safe = max([manifest.audit_safe, *(row[0] for row in rows)])
    else:
        manifest.audit_safe, manifest.audit_marks = audit_marks.advance(
            manifest.audit_safe, [*manifest.audit_marks, mark], horizon(conn))
    return extract.to_arrow(AUDIT, rows, seq)


def _rebuild(engine: Engine, folder: Path, old: Manifest | None) -> RefreshReport:
    started, seq = utcnow(), (old.seq if old else 0) + 1
    mark = audit_id_mark(engine)
    marks = [mark] if mark else []
    report = RefreshReport(rebuilt=True)
    with read_snapshot(engine) as conn:
        cursor = snapshot_cursor(conn)
        tables = {name: TableParts(_full_part(conn, name, seq, folder, report)) for name in TABLES}
        # PostgreSQL: re-read the audit log from the start until a later mark proves it final.
        audit_safe = 0 if marks else max_id(conn, "audit_log")
    manifest = Manifest(store=_store_name(engine), cursor=cursor, seq=seq, refreshed_at=started.isoformat(),
                        audit_safe=audit_safe, audit_marks=marks, tables=tables, generation=uuid.uuid4().hex)
    manifest_write(manifest, folder)
    collect_garbage(manifest, folder)
    return report


def _full_part(conn: Connection, name: str, seq: int, folder: Path, report: RefreshReport) -> str:
    """The table's whole part, streamed: read in key order, one batch at a time, each written before
    the next is read, so memory stays at one batch (ANALYTICS_REBUILD_BATCH rows) however big the store."""
    table, report.rows[name] = TABLES[name], 0

    def batches() -> Iterator[pa.Table]:
        for rows in extract.scan_all(conn, table, get_settings().analytics_rebuild_batch):
            report.rows[name] += len(rows)
            yield extract.to_arrow(table, rows, seq)

    return part_write_batches(name, table.arrow_schema(), batches(), seq, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loop", action="store_true", help="keep refreshing")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between refreshes")
    parser.add_argument("--rebuild", action="store_true", help="copy everything afresh first")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if args.rebuild:
        log.info("rebuilt: %s", rebuild())
    while True:
        report = refresh_once()
        if report.changes or report.rebuilt:
            log.info("refresh: %s", report)
        if not args.loop:
            return
        time.sleep(args.interval)


if __name__ == "__main__":
    main()
