"""Base64 in and out of Bedrock bodies, and reading an answer's image."""

from __future__ import annotations

import base64
import binascii
import io

from PIL import Image, UnidentifiedImageError

from providers.base import GeneratedImage, ProviderError, SourceImage

FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}


def b64(image: SourceImage) -> str:
    return base64.b64encode(image.data).decode("ascii")


def decode_image(data: bytes | str, seed: int | None) -> GeneratedImage:
    """An answer's image with its real size and format (the bytes are the authority)."""
    try:
        raw = base64.b64decode(data, validate=True) if isinstance(data, str) else data
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
            fmt = FORMATS.get(image.format or "")
    except (binascii.Error, UnidentifiedImageError, OSError) as exc:
        raise ProviderError("malformed_response", f"Bedrock returned an unreadable image: {exc}",
                            retryable=True) from exc
    if fmt is None:
        raise ProviderError("malformed_response", "Bedrock returned an image in an unexpected "
                            "format", retryable=True)
    return GeneratedImage(data=raw, format=fmt, width=width, height=height, seed=seed)
