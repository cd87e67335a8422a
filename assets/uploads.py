"""Uploads: source and mask images a tenant sends, verified before anything is stored.

Only PNG, JPEG and WebP under a byte cap and a pixel cap are accepted, and each upload's
image data is decoded to the end, so damaged or truncated files are refused. EXIF location is
removed. The same bytes uploaded twice by one tenant are one asset.

Memory: an upload is read from its file (a multipart upload stays in its temporary file, see
core.body_limits), hashed and stored in chunks. The pixel cap is checked from the header,
before any decoding, so a decompression bomb is refused cheaply. Each image is then decoded
once, as small as its format allows:

- JPEG at 1/8 scale (libjpeg's DCT scaling): the whole compressed stream is still decoded,
  so damage and truncation are found as before, in 1/64 of the pixels' memory;
- PNG without holding the image: its compressed data is inflated a piece at a time and each
  row's filter type and the rows' length checked, as Pillow's decoder checks them;
- whole where nothing smaller exists: WebP (Pillow has no reduced WebP decoding; about 14
  bytes a pixel while it decodes), a progressive JPEG (libjpeg keeps every coefficient, about
  2.5 bytes a pixel even at 1/8), an image whose EXIF holds a location (re-encoded without
  it), a PNG with chunks after its pixels, or frames (Pillow reads those). These take their
  pixels from a per-process budget of ATELIER_UPLOAD_MAX_PIXELS (`PixelBudget`): requests
  that come at once wait for each other rather than each holding a whole image.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import threading
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from PIL import Image, UnidentifiedImageError
from PIL.PngImagePlugin import PngStream

from assets.keys import EXTENSIONS
from assets.models import Asset
from assets.storage import object_extras
from core.body_limits import room_for
from core.errors import InvalidParameter

if TYPE_CHECKING:
    from tenants.models import Tenant

FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}
GPS_IFD = 0x8825
CHUNK = 64 * 1024
Source = bytes | IO[bytes]  # the upload's bytes, or a binary file of them (read from the start)


def max_request_bytes() -> int:
    """The largest request body that can carry an upload: its image as a multipart file, or
    as base64 JSON (a third larger), with room for the rest (core.body_limits.room_for)."""
    return room_for(settings.ATELIER_UPLOAD_MAX_BYTES)


def body_hint() -> str:
    """What a 413 of an upload request adds to its message: the image's own limit."""
    return f"an image may be at most {settings.ATELIER_UPLOAD_MAX_BYTES} bytes"


def _refuse(message: str) -> InvalidParameter:
    return InvalidParameter(f"file: {message}", field="file", code="invalid_image")


@dataclass
class Inspected:
    """A verified upload: its format, size in pixels, and the bytes to store."""

    format: str
    width: int
    height: int
    stored: IO[bytes]  # the upload itself, or its re-encoding without a location
    bytes: int


def _opened(source: Source) -> tuple[IO[bytes], int]:
    """`source` as a binary file at its start, and its size."""
    if isinstance(source, bytes):
        return io.BytesIO(source), len(source)
    size = source.seek(0, os.SEEK_END)
    source.seek(0)
    return source, size


def inspect_image(source: Source) -> Inspected:
    """The verified upload, or InvalidParameter saying what is wrong with it."""
    stream, size = _opened(source)
    if not size:
        raise _refuse("is empty")
    limit = settings.ATELIER_UPLOAD_MAX_BYTES
    if size > limit:
        raise _refuse(f"at most {limit} bytes (got {size})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Lazy: the header only. Leaving the block does not close `stream` (not Pillow's).
            with Image.open(stream) as image:
                fmt = FORMATS.get(image.format or "")
                if fmt is None:
                    raise _refuse(f"must be PNG, JPEG or WebP (got {image.format or 'unknown'})")
                width, height = image.size
                max_pixels = settings.ATELIER_UPLOAD_MAX_PIXELS
                if width * height > max_pixels:
                    raise _refuse(f"at most {max_pixels} pixels (got {width}x{height})")
                reencoded = _decoded(image, stream, fmt)
    except InvalidParameter:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(f"at most {settings.ATELIER_UPLOAD_MAX_PIXELS} pixels "
                      "(refused as a decompression bomb)") from None
    except UnidentifiedImageError:
        raise _refuse("is not an image Atelier can read (PNG, JPEG or WebP)") from None
    except (OSError, SyntaxError, ValueError, struct.error, zlib.error) as exc:
        raise _refuse(f"is damaged or truncated ({exc})") from None
    if reencoded is not None:
        return Inspected(fmt, width, height, io.BytesIO(reencoded), len(reencoded))
    stream.seek(0)
    return Inspected(fmt, width, height, stream, size)


class PixelBudget:
    """The pixels this process may be decoding whole at once: ATELIER_UPLOAD_MAX_PIXELS (one
    image at the cap, or several smaller ones). A decode that needs more than is left waits
    until enough is given back, so whole decodes cost at most one image at the cap per
    process, however many requests come at once."""

    def __init__(self) -> None:
        self._used = 0
        self._room = threading.Condition()

    @contextmanager
    def holding(self, pixels: int) -> Iterator[None]:
        limit = settings.ATELIER_UPLOAD_MAX_PIXELS
        pixels = min(pixels, limit)
        with self._room:
            self._room.wait_for(lambda: self._used + pixels <= limit)
            self._used += pixels
        try:
            yield
        finally:
            with self._room:
                self._used -= pixels
                self._room.notify_all()


WHOLE_DECODES = PixelBudget()


def _decoded(image: Image.Image, stream: IO[bytes], fmt: str) -> bytes | None:
    """Decode `image` once, as small as its format allows (see the module docstring); the
    image re-encoded without its EXIF location if it had one, else None (store it as is)."""
    whole = WHOLE_DECODES.holding(image.width * image.height)
    if _header_exif_has_location(image, fmt):
        with whole:
            image.load()
            return _without_location(image, fmt)
    if fmt == "jpeg":
        image.draft(None, (1, 1))  # the smallest scale libjpeg decodes to: 1/8
        if image.info.get("progressive"):  # libjpeg keeps the whole image's coefficients
            with whole:
                image.load()
        else:
            image.load()
    elif fmt == "png":
        if check_png_data(stream) == "load":  # animated, or chunks after the pixels: Pillow
            with whole:
                image.load()
                return _without_location(image, fmt)
    else:
        with whole:
            image.load()
    return None


def _header_exif_has_location(image: Image.Image, fmt: str) -> bool:
    """Whether EXIF read with the header holds GPS tags (a PNG's is only asked for where the
    header has EXIF: Pillow decodes a PNG to look for EXIF after the pixels)."""
    if fmt == "png" and "exif" not in image.info:
        return "Raw profile type exif" in image.info
    return GPS_IFD in image.getexif()


def _without_location(image: Image.Image, fmt: str) -> bytes | None:
    """The decoded image re-encoded without EXIF GPS tags, or None if it had none."""
    exif = image.getexif()
    if GPS_IFD not in exif:
        return None
    del exif[GPS_IFD]
    buffer = io.BytesIO()
    options: dict[str, Any] = {"exif": exif.tobytes()}
    if fmt in ("jpeg", "webp"):
        options["quality"] = 95
    image.save(buffer, image.format, **options)
    return buffer.getvalue()


# --- PNG: the pixel data checked without holding the image --------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2))  # x, y, x step, y step of each interlace pass
ANIMATION = {b"acTL", b"fcTL", b"fdAT"}


class _Rows:
    """The scanlines a PNG's inflated data must hold: each pass's rows of `length` bytes, the
    first a filter type from 0 to 4. Fed the data in pieces, at most `left` bytes in all."""

    def __init__(self, width: int, height: int, bits: int, interlaced: bool) -> None:
        layout = ADAM7 if interlaced else ((0, 0, 1, 1),)
        self.passes = [(1 + ((width - x + dx - 1) // dx * bits + 7) // 8,
                        (height - y + dy - 1) // dy)
                       for x, y, dx, dy in layout if width > x and height > y]
        self.left = sum(length * rows for length, rows in self.passes)  # bytes still to come
        self.into_row = 0  # bytes of the current row already seen

    def feed(self, data: bytes) -> None:
        self.left -= len(data)
        at = 0
        while at < len(data) and self.passes:
            length, rows = self.passes[0]
            if self.into_row:  # the rest of a row begun in an earlier piece
                step = min(length - self.into_row, len(data) - at)
                at += step
                self.into_row = (self.into_row + step) % length
                if not self.into_row:
                    self._rows_done(1)
                continue
            begun = min(rows, (len(data) - at + length - 1) // length)
            filters = data[at:at + (begun - 1) * length + 1:length]
            if max(filters) > 4:
                raise OSError("unrecognized data stream contents (a row's filter type is "
                              f"{max(filters)})")
            whole = min(begun, (len(data) - at) // length)
            at += whole * length
            self._rows_done(whole)
            if whole < begun:  # the last row begun here goes on in the next piece
                self.into_row, at = len(data) - at, len(data)

    def _rows_done(self, count: int) -> None:
        length, rows = self.passes[0]
        if rows - count:
            self.passes[0] = (length, rows - count)
        else:
            self.passes.pop(0)


def _chunks(stream: IO[bytes]) -> Iterator[tuple[bytes, int, bool]]:
    """(type, length, whether its data is all there) of each chunk, the stream left at its
    data; ends at the end of the file or at IEND."""
    size = stream.seek(0, os.SEEK_END)
    stream.seek(len(PNG_SIGNATURE))
    while True:
        head = stream.read(8)
        if len(head) < 8:
            return
        length, kind = struct.unpack(">I4s", head)
        start = stream.tell()
        yield kind, length, start + length <= size
        if kind == b"IEND":
            return
        stream.seek(start + length + 4)  # past the data and the CRC


def check_png_data(stream: IO[bytes]) -> str:
    """Inflate a PNG's image data a piece at a time and check it as Pillow's decoder and
    reader do, without holding the image: each row's filter type; data that ends before the
    rows are in (unless the compressed stream itself ends there); a chunk after the image data
    cut short by the end of the file. "ok", or "load" where Pillow must decode the image (an
    animated PNG; text or EXIF chunks after the image data, which may hold EXIF). Raises
    OSError or zlib.error for damaged or truncated data."""
    rows: _Rows | None = None
    inflater = zlib.decompressobj()
    started = ended = False  # the image data (consecutive IDAT chunks, as Pillow reads them)
    for kind, length, whole in _chunks(stream):
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(
                ">IIBBBBB", stream.read(13))
            rows = _Rows(width, height, depth * CHANNELS.get(colour, 4), interlace == 1)
        elif kind in ANIMATION:
            return "load"
        elif kind == b"IDAT" and not ended and rows is not None:
            started = True
            ended = _inflate(inflater, stream, length, rows)
        elif started:  # after the image data, which ends at the first other chunk
            if not ended or kind == b"IEND" or not re.fullmatch(rb"\w{4}", kind):
                break  # (Pillow stops reading at a chunk type that is not one)
            if not whole:
                raise OSError("Truncated File Read")
            if kind != b"IDAT" and hasattr(PngStream, f"chunk_{kind.decode()}"):
                return "load"  # a chunk Pillow reads (text, EXIF, colour): Pillow reads it
    if not started:
        raise OSError("no image data (IDAT)")
    if rows is not None and rows.left and not inflater.eof:
        raise OSError("image file is truncated")
    return "ok"


def _inflate(inflater: Any, stream: IO[bytes], length: int, rows: _Rows) -> bool:
    """Feed one IDAT chunk through; True once the image data is complete: all rows in (what
    follows them is not inflated, as in Pillow), or the compressed stream ended. At most CHUNK
    bytes are inflated at a time."""
    left = length
    while left:
        data = stream.read(min(CHUNK, left))
        if not data:
            return False  # the file ends inside the chunk: the rows decide
        left -= len(data)
        while data:
            rows.feed(inflater.decompress(data, min(CHUNK, rows.left)))
            data = inflater.unconsumed_tail
            if inflater.eof or not rows.left:
                return True
    return False


# --- storing ------------------------------------------------------------------------------------

def base_name(filename: str) -> str:
    """The last part of a client's file name, whatever its path (`../../x.png` -> `x.png`):
    recorded for people only; storage keys never use it."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def create_upload(tenant: Tenant, source: Source, *, filename: str = "") -> Asset:
    """The tenant's upload of these bytes (verified, stored), new or the one made before."""
    return store_upload(tenant, source, filename=filename)[0]


def store_upload(tenant: Tenant, source: Source, *, filename: str = ""
                 ) -> tuple[Asset, bool]:
    """create_upload, and whether this call made the upload (False: the tenant had it)."""
    found = inspect_image(source)
    digest = _sha256(found.stored)
    uploads = Asset.objects.for_tenant(tenant)
    existing = uploads.filter(kind=Asset.Kind.UPLOAD, sha256=digest).first()
    if existing is not None:
        return existing, False
    with object_extras(metadata={"tenant": tenant.slug, "sha256": digest},
                       tags={"stage": Asset.Stage.FINAL, "tenant": tenant.slug},
                       content_type=f"image/{found.format}"):
        key = default_storage.save(f"uploads/{tenant.slug}/{digest}.{EXTENSIONS[found.format]}",
                                   File(found.stored))
    try:
        with transaction.atomic():
            return uploads.create(
                kind=Asset.Kind.UPLOAD, operation="upload", storage_key=key, sha256=digest,
                bytes=found.bytes, width=found.width, height=found.height,
                format=found.format, stage=Asset.Stage.FINAL,
                parameters={"filename": base_name(filename)},
                # The tenant's own input, only ever sent to models, never published by Atelier.
                moderation_status=Asset.Moderation.APPROVED,
                moderation={"checks": [], "reasons": ["the tenant's own upload"]}), True
    except IntegrityError:  # the same bytes uploaded concurrently: one asset
        return uploads.get(kind=Asset.Kind.UPLOAD, sha256=digest), False
