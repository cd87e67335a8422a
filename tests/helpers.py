"""Plain helpers shared by the test areas: image bytes, signed-in clients, polling.

Fixtures live in tests/conftest.py (shared) and each area's conftest.py; objects are made by
tests/factories.py.
"""

from __future__ import annotations

import io
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import pytest
from django.test import Client
from PIL import Image

Box = tuple[int, int, int, int]
Colour = int | tuple[int, ...]


@cache
def png_bytes(size: tuple[int, int] = (64, 48), color: Colour = (10, 20, 30), *,
              mode: str = "RGB", fmt: str = "PNG", box: Box | None = None,
              box_color: Colour | None = None) -> bytes:
    """An image of one colour, encoded as `fmt` (PNG unless told otherwise): its bytes.

    `box` (left, upper, right, lower; right and lower excluded, as `Image.paste` takes them)
    is painted `box_color` on top, for a photo with a subject or a mask with a hole. The same
    arguments give the same bytes (they are cached; bytes cannot change).
    """
    image = Image.new(mode, size, color)
    if box is not None:
        image.paste(box_color, box)
    return encoded(image, fmt)


def png_header(width: int, height: int) -> bytes:
    """A tiny file whose header claims `width` x `height` pixels (a decompression bomb's)."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def encoded(image: Image.Image, fmt: str = "PNG", **options: Any) -> bytes:
    """`image` saved as `fmt` with the encoder's `options` (quality=90, exif=…): its bytes."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def reencoded(image: Image.Image, fmt: str = "PNG", **options: Any) -> Image.Image:
    """`image` after a trip through a file of format `fmt` and back, loaded."""
    loaded = Image.open(io.BytesIO(encoded(image, fmt, **options)))
    loaded.load()
    return loaded


def signed_in(user: Any) -> Client:
    """A Django test client with `user` signed in (no password needed)."""
    client = Client()
    client.force_login(user)
    return client


def staff_client(username: str, *groups: str) -> Client:
    """A Django test client signed in as a new staff user in `groups` (Finance, Moderators)."""
    from tests.factories import StaffFactory

    return signed_in(StaffFactory(username=username, groups=list(groups)))


def wait_until(predicate: Callable[[], Any], timeout: float, what: str,
               interval: float = 0.1) -> Any:
    """Poll until `predicate()` is truthy (and return it); fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def ledger(tenant: Any) -> Any:
    """The tenant's billing ledger for the current month."""
    from billing.models import Ledger
    from billing.services import current_month

    return Ledger.objects.for_tenant(tenant).get(month=current_month())


def blurred_noise(noise: Any, sigma: float) -> Any:
    """Gaussian-blurred noise (periodic edges) through the FFT: photo-like texture at a scale."""
    import numpy as np

    fy = np.fft.fftfreq(noise.shape[0])[:, None]
    fx = np.fft.rfftfreq(noise.shape[1])[None, :]
    gain = np.exp(-2 * (np.pi * sigma) ** 2 * (fx**2 + fy**2))[..., None]
    spectrum = np.fft.rfft2(noise, axes=(0, 1)) * gain
    return np.fft.irfft2(spectrum, s=noise.shape[:2], axes=(0, 1)).astype(np.float32)


@contextmanager
def temporary_bucket(prefix: str = "atelier-test") -> Iterator[str]:
    """A new bucket on the S3 server the environment names, emptied and deleted afterwards."""
    import uuid

    import boto3

    s3 = boto3.session.Session().client("s3")
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    try:
        yield name
    finally:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=name, Key=item["Key"])
        s3.delete_bucket(Bucket=name)


def signed_long_ago(base_url: str = "http://testserver/") -> Any:
    """A LinkSigner whose links expired before the test started (a 1 s TTL, two link steps
    ago): what a link fetched after its expiry is, without waiting for it."""
    import time

    from assets.delivery import LINK_STEP, LinkSigner

    return LinkSigner(base_url=base_url, ttl=1, now=time.time() - 2 * LINK_STEP - 1)
