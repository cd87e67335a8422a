"""The invisible watermark survives what storefronts do to images, and is never seen where
it was not put."""

from __future__ import annotations

import uuid

import pytest
from PIL import Image

from provenance import watermark
from providers.local_render import render_image
from tests.helpers import reencoded

SIZES = [(512, 512), (1024, 768), (768, 1344)]


def jpeg(image: Image.Image, quality: int = 90) -> Image.Image:
    return reencoded(image.convert("RGB"), "JPEG", quality=quality)


png = reencoded  # a PNG save and load


def shrink(image: Image.Image, share: float = 0.75) -> Image.Image:
    size = (round(image.width * share), round(image.height * share))
    return image.resize(size, Image.Resampling.LANCZOS)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("transform", [png, jpeg, shrink],
                         ids=["png-save", "jpeg-q90", "resize-75%"])
def test_the_payload_survives(size, transform):
    payload = watermark.payload_for(uuid.uuid4())
    marked = watermark.embed(render_image(f"a lamp {size}", 5, *size), payload)
    assert watermark.detect(transform(marked)) == payload


@pytest.mark.parametrize("image", [
    render_image("a green sneaker", 1, 1024, 1024),
    render_image("gold watch on velvet", 2, 768, 512),
    Image.new("RGB", (512, 512), (128, 128, 128)),
    Image.linear_gradient("L").resize((600, 400)).convert("RGB"),
    Image.effect_noise((640, 640), 60).convert("RGB"),
], ids=["render", "render-2", "flat", "gradient", "noise"])
def test_unmarked_images_have_no_payload(image):
    assert watermark.detect(image) is None
    assert watermark.detect(jpeg(image)) is None


def test_the_mark_is_invisible():
    original = render_image("a ceramic vase", 3, 1024, 1024)
    marked = watermark.embed(original, watermark.payload_for(uuid.uuid4()))
    import numpy as np

    difference = np.asarray(original, dtype=float) - np.asarray(marked, dtype=float)
    psnr = 10 * np.log10(255 ** 2 / max(np.mean(difference ** 2), 1e-9))
    assert psnr >= 38


def test_a_payload_must_be_eight_bytes():
    with pytest.raises(ValueError):
        watermark.embed(render_image("x", 1, 256, 256), b"short")
