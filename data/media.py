"""Storage for pictures (uploaded or generated), behind one small interface.

Keys are content addresses: the SHA-256 of the bytes plus a suffix such as ".webp". Identical pictures
therefore share one file, a key never changes meaning, and an object store (S3, GCS) can replace the
local folder later without touching callers or the keys already saved in the database.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from data.settings import get_settings

# Strict on purpose: a key that matches cannot contain "/", "\\" or "..", so it cannot leave the root.
_KEY = re.compile(r"[0-9a-f]{64}\.[a-z0-9]{1,10}")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")
_SHARD_LENGTH = 2  # 256 subfolders keep every folder small even with a million pictures
_TEMP_PREFIX = ".incoming-"
_FILE_MODE = 0o644  # mkstemp makes 0600; a web server running as another user may serve these files


class MediaStore(Protocol):
    """Where pictures live. Keys come from `put` only; every other method refuses foreign keys."""

    def put(self, data: bytes, *, suffix: str) -> str: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...


class LocalMediaStore:
    """Content-addressed files under `root`, as `root/ab/ab12...ef.webp`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes, *, suffix: str) -> str:
        key = hashlib.sha256(data).hexdigest() + _checked_suffix(suffix)
        path = self._path(key)
        if not path.is_file():  # same bytes, same key: a second copy would change nothing
            _write_atomically(path, data)
        return key

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def _path(self, key: str) -> Path:
        return self.root / key[:_SHARD_LENGTH] / checked_key(key)


def checked_key(key: str) -> str:
    """`key` itself if it has the shape `put` produces; anything else (paths, "..") is a ValueError."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a media key: {key!r} (expected 64 hex digits and a suffix like '.webp')")
    return key


def get_media_store() -> MediaStore:
    return LocalMediaStore(get_settings().media_dir)


def _checked_suffix(suffix: str) -> str:
    if not _SUFFIX.fullmatch(suffix):
        raise ValueError(f"media suffix must look like '.webp' (a dot, then lower-case letters "
                         f"or digits); got {suffix!r}")
    return suffix


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the whole file or none of it: write a temporary file, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            # Without fsync a crash could leave an empty file under the key, and `put` never rewrites.
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, _FILE_MODE)
        os.replace(temp_name, path)  # atomic on POSIX and Windows when both are in one folder
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
