"""Car photos beside the store: content-addressed files, so a backup copies only names it lacks.

A key names its bytes (data/media.py), so a file already in the backup never changes and an rsync-style
pass copies new files only. `photos_missing` lists photos that rows reference but the disk lacks,
after a restore or whenever an operator wonders.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text

from data.media import checked_key

TEMP_PREFIX = ".incoming-"  # data/media.py writes pictures under this name before renaming them


def media_copy_new(source: Path, target: Path) -> tuple[int, int]:
    """Copy the files of `source` that `target` lacks (atomically); returns (copied, already there)."""
    copied = kept = 0
    for path in _media_files(source):
        destination = target / path.relative_to(source)
        if destination.is_file():
            kept += 1
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        temp = destination.with_name(TEMP_PREFIX + destination.name)
        shutil.copyfile(path, temp)
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, destination)
        copied += 1
    return copied, kept


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for shard in sorted(root.iterdir()):
        if shard.is_dir():
            yield from (f for f in sorted(shard.iterdir())
                        if f.is_file() and not f.name.startswith(TEMP_PREFIX))


def photos_missing(engine: Engine, media_root: Path) -> list[tuple[int, str]]:
    """(car id, key) of every photo a car row names that is not on disk under `media_root`."""
    missing: list[tuple[int, str]] = []
    with engine.connect() as conn:
        rows = conn.execution_options(stream_results=True, yield_per=10_000).execute(
            text("SELECT id, photos FROM cars"))
        for car_id, photos in rows:
            for key in _keys(photos):
                if not (media_root / key[:2] / checked_key(key)).is_file():
                    missing.append((int(car_id), key))
    return missing


def _keys(photos: object) -> list[str]:
    """SQLite hands the JSON column back as text, PostgreSQL as a list."""
    value: list[object] = json.loads(photos) if isinstance(photos, str) else list(photos or [])  # type: ignore[call-overload]
    return [str(key) for key in value]
