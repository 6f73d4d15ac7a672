"""Car photos: decoded and re-encoded with Pillow, which strips metadata (GPS, camera serials) and
refuses anything that is not really a JPEG, PNG or WebP picture."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from domain.errors import ValidationFailed

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 12
MAX_SIDE = 1600  # larger pictures are scaled down: enough for a zoomed gallery view
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def photo_prepare(data: bytes, *, name: str = "photo") -> bytes:
    """A clean WebP of the picture, or ValidationFailed saying what is wrong with it."""
    if len(data) > MAX_BYTES:
        raise _bad(name, f"is {len(data) // 1024 // 1024} MB; the limit is {MAX_BYTES // 1024 // 1024} MB")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise _bad(name, f"is {image.format}; upload JPEG, PNG or WebP")
            if image.width * image.height > MAX_PIXELS:
                raise _bad(name, "has too many pixels; upload a smaller picture")
            image.load()
            return _reencode(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise _bad(name, "is not a picture Pillow can read; upload a JPEG, PNG or WebP") from None


def _reencode(image: Image.Image) -> bytes:
    picture = image.convert("RGB")
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="WEBP", quality=82)  # a new file: none of the original's metadata
    return out.getvalue()


def _bad(name: str, why: str) -> ValidationFailed:
    return ValidationFailed({"photos": f"{name} {why}."})
