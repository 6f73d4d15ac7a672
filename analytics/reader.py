"""Reading the copy: a per-process, in-memory DuckDB database kept current from the Parquet parts.

The first reader in a process loads the copy named by the manifest into memory (`analytics.memory`);
every later `connect()` reads the small manifest and, when a refresh has published since, applies just
the new row versions before handing out a cursor. Callers get a cursor of their own (DuckDB cursors
are safe to use from different threads, one each). A rebuilt copy (a new `generation`) is loaded into
a fresh database and swapped in; queries still running on the old one finish there.

Pages read inside `without_loading()`: they get the copy this process already holds (a rebuilt one
keeps serving until the background refresher, `analytics.background`, has loaded its successor), or
`CopyNotReady` at once, never a load of tens of seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path

import duckdb

from analytics.copy.storage import Manifest, manifest_read, root
from analytics.memory import MemoryCopy


class CopyMissing(RuntimeError):
    """The analytics copy has not been built yet: run `python -m analytics.copy.refresh`."""


class CopyNotReady(RuntimeError):
    """This process has not loaded the copy yet (it is loading in the background): ask again soon."""


_loading = threading.Lock()  # guards loads into _copies: a second caller waits, then finds it done
_copies: dict[str, MemoryCopy] = {}
_no_loading: ContextVar[bool] = ContextVar("analytics_no_loading", default=False)


@contextmanager
def without_loading() -> Iterator[None]:
    """Reads in this block use the copy already in memory, or raise `CopyNotReady`; they never load."""
    token = _no_loading.set(True)
    try:
        yield
    finally:
        _no_loading.reset(token)


def memory_copy(folder: Path | None = None) -> MemoryCopy:
    """This process's in-memory copy of `folder`, brought up to the current manifest."""
    folder = folder or root()
    manifest = manifest_read(folder)
    if manifest is None:
        raise CopyMissing("The analytics copy has not been built yet: "
                          "run `python -m analytics.copy.refresh`.")
    copy = _copies.get(str(folder))
    if copy is None or copy.generation != manifest.generation:
        if _no_loading.get():
            if copy is None:
                raise CopyNotReady("The figures are being prepared.")
            return copy  # the previous generation serves until its successor is loaded
        copy = _load(folder, manifest)
    copy.sync(manifest)
    return copy


def _load(folder: Path, manifest: Manifest) -> MemoryCopy:
    with _loading:
        copy = _copies.get(str(folder))
        if copy is None or copy.generation != manifest.generation:
            copy = _copies[str(folder)] = MemoryCopy(manifest, folder)
    return copy


def loaded(folder: Path | None = None) -> MemoryCopy | None:
    """The copy this process holds now (whichever generation), without loading or applying anything."""
    return _copies.get(str(folder or root()))


def preload(folder: Path | None = None) -> bool:
    """Load this process's copy before anyone asks: at ten million bids the first load takes tens of
    seconds, which the first visitor of a dashboard would otherwise wait. False while no copy exists
    (the refresher has not run yet); that visitor is then told so, as before."""
    try:
        memory_copy(folder)
    except CopyMissing:
        return False
    return True


def connect(folder: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the current copy (its own, for this thread)."""
    return memory_copy(folder).cursor()


def freshness(folder: Path | None = None) -> datetime | None:
    """When the copy last started reading the store (UTC): it holds every change committed before."""
    manifest = manifest_read(folder or root())
    return datetime.fromisoformat(manifest.refreshed_at) if manifest else None
