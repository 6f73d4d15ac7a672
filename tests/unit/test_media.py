"""LocalMediaStore: content-addressed, sharded, atomic, and closed to keys it did not make."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from data.media import LocalMediaStore, get_media_store
from data.settings import get_settings

PICTURE = b"RIFF\x00\x00\x00\x00WEBPVP8 not really a picture"


@pytest.fixture
def media(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_round_trip(media: LocalMediaStore) -> None:
    key = media.put(PICTURE, suffix=".webp")
    assert key == hashlib.sha256(PICTURE).hexdigest() + ".webp"
    assert media.exists(key)
    assert media.read(key) == PICTURE


def test_files_are_sharded_by_the_first_two_hex_digits(media: LocalMediaStore) -> None:
    key = media.put(PICTURE, suffix=".webp")
    assert files_under(media.root) == [media.root / key[:2] / key]


def test_same_bytes_are_stored_once(media: LocalMediaStore) -> None:
    first = media.put(PICTURE, suffix=".webp")
    second = media.put(PICTURE, suffix=".webp")
    assert first == second
    assert len(files_under(media.root)) == 1


def test_different_bytes_get_different_keys(media: LocalMediaStore) -> None:
    assert media.put(PICTURE, suffix=".webp") != media.put(PICTURE + b"!", suffix=".webp")


def test_delete_removes_and_tolerates_a_missing_key(media: LocalMediaStore) -> None:
    key = media.put(PICTURE, suffix=".png")
    media.delete(key)
    media.delete(key)
    assert not media.exists(key)
    with pytest.raises(FileNotFoundError):
        media.read(key)


@pytest.mark.parametrize(
    "key",
    [
        "../x",
        "../../etc/passwd",
        "/etc/passwd",
        "a" * 64,  # no suffix
        "A" * 64 + ".webp",  # upper-case hex is not what put makes
        "ab/" + "a" * 64 + ".webp",
        "a" * 64 + ".webp/../../x",
        "a" * 64 + "..webp",
        "a" * 64 + ".we bp",
        "a" * 64 + ".webp\n",
        "",
    ],
)
def test_keys_of_another_shape_are_refused(media: LocalMediaStore, key: str) -> None:
    for action in (media.read, media.delete, media.exists):
        with pytest.raises(ValueError, match="not a media key"):
            action(key)


@pytest.mark.parametrize("suffix", ["webp", "", ".", "./../x", "/.webp", ".WEBP", ".web/p"])
def test_odd_suffixes_are_refused(media: LocalMediaStore, suffix: str) -> None:
    with pytest.raises(ValueError, match="suffix"):
        media.put(PICTURE, suffix=suffix)
    assert not media.root.exists() or not files_under(media.root)


def test_writes_leave_no_temporary_files(media: LocalMediaStore) -> None:
    keys = {media.put(bytes([n]) * 100, suffix=".webp") for n in range(20)}
    assert {path.name for path in files_under(media.root)} == keys


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(
    media: LocalMediaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_replace(_source: str, _target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        media.put(PICTURE, suffix=".webp")
    assert files_under(media.root) == []


def test_the_app_store_lives_in_the_media_folder() -> None:
    store = get_media_store()
    assert isinstance(store, LocalMediaStore)
    assert store.root == get_settings().media_dir
