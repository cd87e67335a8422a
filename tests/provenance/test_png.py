"""The PNG writer of marked images (provenance.png): any decoder reads exactly the pixels it
was given, the colour profile survives, and a marked image written by it still carries a
detectable watermark and valid Content Credentials."""

from __future__ import annotations

import io
import uuid
import zlib

import numpy as np
import pytest
from PIL import Image, ImageCms

from provenance import content_credentials, png, watermark
from provenance import marks as provenance
from provenance.dev_ca import mint_signing_identity
from tests.helpers import png_bytes


def noisy(mode: str, size: tuple[int, int], seed: int = 0) -> Image.Image:
    channels = len(mode)
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(size[1], size[0], channels), dtype=np.uint8)
    pixels[size[1] // 3:, : size[0] // 2] = 7  # flat areas too: runs for Z_RLE
    return Image.fromarray(pixels, mode)


def chunks(data: bytes) -> list[bytes]:
    kinds, position = [], len(png.SIGNATURE)
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        crc = int.from_bytes(data[position + 8 + length:position + 12 + length], "big")
        assert crc == zlib.crc32(kind + body), kind
        kinds.append(kind)
        position += 12 + length
    return kinds


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
@pytest.mark.parametrize("size", [(1, 1), (97, 1), (33, 64), (200, 65), (130, 300)])
def test_pillow_reads_back_exactly_the_pixels_written(mode, size):
    image = noisy(mode, size, seed=size[0] * size[1])
    data = png.write(image)
    assert data is not None and data.startswith(png.SIGNATURE)
    decoded = Image.open(io.BytesIO(data))
    decoded.verify()  # chunk CRCs and structure
    decoded = Image.open(io.BytesIO(data))
    assert decoded.mode == mode and decoded.size == size
    assert np.array_equal(np.asarray(decoded), np.asarray(image))
    assert chunks(data) == [b"IHDR", b"IDAT", b"IEND"]


def test_large_images_span_several_idat_chunks_and_still_decode(monkeypatch):
    monkeypatch.setattr(png, "IDAT_BYTES", 1000)
    image = noisy("RGB", (300, 200), seed=5)
    data = png.write(image)
    assert data is not None
    assert chunks(data).count(b"IDAT") > 10
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(data))), np.asarray(image))


def test_the_colour_profile_is_kept():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = noisy("RGB", (64, 64))
    image.info["icc_profile"] = profile
    data = png.write(image)
    assert data is not None and chunks(data)[:2] == [b"IHDR", b"iCCP"]
    assert Image.open(io.BytesIO(data)).info["icc_profile"] == profile


@pytest.mark.parametrize("image", [
    Image.new("L", (8, 8), 3), Image.new("P", (8, 8), 1), Image.new("I;16", (8, 8), 300),
    Image.new("RGB", (8, 8), (1, 2, 3)),
], ids=["L", "P", "I;16", "RGB with a transparent colour"])
def test_what_it_does_not_cover_is_left_to_pillow(image):
    if image.mode == "RGB":
        image.info["transparency"] = (1, 2, 3)
    assert png.write(image) is None


def test_a_marked_png_carries_the_watermark_and_valid_credentials(settings, tmp_path):
    settings.ATELIER_C2PA_CERT_FILE, settings.ATELIER_C2PA_KEY_FILE = (
        str(path) for path in mint_signing_identity(tmp_path / "ca"))
    original = png_bytes((512, 512), (90, 140, 60), box=(100, 100, 300, 260),
                         box_color=(200, 30, 30))
    asset_id = uuid.UUID("6f1c2e7a-0000-4000-8000-000000000001")
    data, record = provenance.mark(original, "png", family="stable-diffusion",
                                   asset_id=asset_id, model_id="stability.sd3-5-large-v1:0",
                                   model_name="SD3.5 Large")
    assert record["watermark"] == {"by": "atelier",
                                   "payload": watermark.payload_for(asset_id).hex()}
    marked = Image.open(io.BytesIO(data))
    assert marked.format == "PNG" and marked.size == (512, 512)
    assert watermark.detect(marked) == watermark.payload_for(asset_id)
    assert content_credentials.read(data, "png").state == "valid"
    # the pixels are the watermarked original's: what Pillow's own encoder would have stored
    expected = watermark.embed(Image.open(io.BytesIO(original)).convert("RGB"),
                               watermark.payload_for(asset_id))
    assert np.array_equal(np.asarray(marked.convert("RGB")), np.asarray(expected))
