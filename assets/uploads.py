"""Uploads: source and mask images a tenant sends, verified before anything is stored.

Pillow decodes every upload completely; only PNG, JPEG and WebP under a byte cap and a pixel
cap are accepted (the pixel cap is checked from the header, before decoding, so a
decompression bomb is refused cheaply). EXIF location is removed. The same bytes uploaded
twice by one tenant are one asset.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from PIL import Image, UnidentifiedImageError

from assets.keys import EXTENSIONS
from assets.models import Asset
from assets.storage import object_extras
from core.errors import InvalidParameter

if TYPE_CHECKING:
    from tenants.models import Tenant

FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}
GPS_IFD = 0x8825


def _refuse(message: str) -> InvalidParameter:
    return InvalidParameter(f"file: {message}", field="file", code="invalid_image")


def inspect_image(data: bytes) -> tuple[Image.Image, str]:
    """The decoded image and its format, or InvalidParameter saying what is wrong with it."""
    if not data:
        raise _refuse("is empty")
    limit = settings.ATELIER_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise _refuse(f"at most {limit} bytes (got {len(data)})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = FORMATS.get(image.format or "")
            if fmt is None:
                raise _refuse(f"must be PNG, JPEG or WebP (got {image.format or 'unknown'})")
            width, height = image.size
            max_pixels = settings.ATELIER_UPLOAD_MAX_PIXELS
            if width * height > max_pixels:
                raise _refuse(f"at most {max_pixels} pixels (got {width}x{height})")
            image.load()
    except InvalidParameter:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(f"at most {settings.ATELIER_UPLOAD_MAX_PIXELS} pixels "
                      "(refused as a decompression bomb)") from None
    except UnidentifiedImageError:
        raise _refuse("is not an image Atelier can read (PNG, JPEG or WebP)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise _refuse(f"is damaged or truncated ({exc})") from None
    return image, fmt


def _without_location(data: bytes, image: Image.Image, fmt: str) -> bytes:
    """The same image without EXIF GPS tags (re-encoded only when there were any)."""
    exif = image.getexif()
    if GPS_IFD not in exif:
        return data
    del exif[GPS_IFD]
    buffer = io.BytesIO()
    options: dict[str, Any] = {"exif": exif.tobytes()}
    if fmt in ("jpeg", "webp"):
        options["quality"] = 95
    image.save(buffer, image.format, **options)
    return buffer.getvalue()


def base_name(filename: str) -> str:
    """The last part of a client's file name, whatever its path (`../../x.png` -> `x.png`):
    recorded for people only; storage keys never use it."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]


def create_upload(tenant: Tenant, data: bytes, *, filename: str = "") -> Asset:
    """The tenant's upload of these bytes (verified, stored), new or the one made before."""
    return store_upload(tenant, data, filename=filename)[0]


def store_upload(tenant: Tenant, data: bytes, *, filename: str = "") -> tuple[Asset, bool]:
    """create_upload, and whether this call made the upload (False: the tenant had it)."""
    image, fmt = inspect_image(data)
    data = _without_location(data, image, fmt)
    digest = hashlib.sha256(data).hexdigest()
    uploads = Asset.objects.for_tenant(tenant)
    existing = uploads.filter(kind=Asset.Kind.UPLOAD, sha256=digest).first()
    if existing is not None:
        return existing, False
    with object_extras(metadata={"tenant": tenant.slug, "sha256": digest},
                       tags={"stage": Asset.Stage.FINAL, "tenant": tenant.slug},
                       content_type=f"image/{fmt}"):
        key = default_storage.save(f"uploads/{tenant.slug}/{digest}.{EXTENSIONS[fmt]}",
                                   ContentFile(data))
    try:
        with transaction.atomic():
            return uploads.create(
                kind=Asset.Kind.UPLOAD, operation="upload", storage_key=key, sha256=digest,
                bytes=len(data), width=image.width, height=image.height, format=fmt,
                stage=Asset.Stage.FINAL, parameters={"filename": base_name(filename)},
                # The tenant's own input, only ever sent to models, never published by Atelier.
                moderation_status=Asset.Moderation.APPROVED,
                moderation={"checks": [], "reasons": ["the tenant's own upload"]}), True
    except IntegrityError:  # the same bytes uploaded concurrently: one asset
        return uploads.get(kind=Asset.Kind.UPLOAD, sha256=digest), False
