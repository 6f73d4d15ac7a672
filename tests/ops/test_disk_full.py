"""A full disk under the analytics copy or the media folder (a 4 MB tmpfs filled to the brim): the
write fails with a clear OSError, the copy's published state and the stored pictures stay intact,
and everything works again once space is freed."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics.copy.refresh import refresh_once
from analytics.copy.storage import manifest_read
from data.media import LocalMediaStore
from tests.support.factories import live_lot


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        # lazy: a handle the refresh's libraries still hold would make a plain umount fail "busy"
        subprocess.run(["umount", "--lazy", str(folder)], capture_output=True, check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                os.fsync(handle.fileno())
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def test_a_full_disk_stops_a_refresh_cleanly_and_the_copy_survives(store: str, small_disk: Path) -> None:
    copy = small_disk / "analytics"
    live_lot()
    assert refresh_once(folder=copy).rebuilt
    published = manifest_read(copy)
    filler = _fill(small_disk)
    live_lot()  # changes the refresh must write
    with pytest.raises(OSError) as full:
        refresh_once(folder=copy)
    assert full.value.errno == errno.ENOSPC
    assert manifest_read(copy) == published, "the published copy changed under a failed refresh"
    filler.unlink()
    report = refresh_once(folder=copy)
    assert report.changes > 0 and manifest_read(copy).seq > published.seq  # type: ignore[union-attr]


def test_a_full_media_folder_refuses_a_picture_and_keeps_the_others(small_disk: Path) -> None:
    media = LocalMediaStore(small_disk / "media")
    kept = media.put(b"a picture", suffix=".jpg")
    filler = _fill(small_disk)
    with pytest.raises(OSError) as full:
        media.put(os.urandom(200_000), suffix=".jpg")
    assert full.value.errno == errno.ENOSPC
    assert media.read(kept) == b"a picture"
    files = [p for p in (small_disk / "media").rglob("*") if p.is_file()]
    leftovers = [p for p in files if p.read_bytes() != b"a picture"]
    assert leftovers == [], f"a half-written picture was left behind: {leftovers}"
    filler.unlink()
    assert media.read(media.put(b"another", suffix=".jpg")) == b"another"
