"""The invisible watermark: round trips through PNG, JPEG q90 and resizing, invisibility (PSNR),
no false positives on unmarked images, and input validation."""

from __future__ import annotations

import uuid
from functools import cache, partial

import numpy as np
import pytest
from PIL import Image

from provenance import watermark
from providers.local_render import render_image
from tests.helpers import blurred_noise, reencoded

PAYLOAD = bytes.fromhex("a7e1c0de5eed0042")
MIN_PSNR_DB = 38.0
# (prompt, seed, width, height): square and not, 256 px up to 2048 px on a side.
CASES = [
    ("a red sneaker on a marble podium", 1, 256, 256),
    ("minimal perfume bottle, soft light pastel", 2, 640, 480),
    ("gold watch on black velvet", 3, 300, 900),
    ("teal headphones at night", 4, 1024, 1024),
    ("white ceramic vase, bright morning", 5, 2048, 1152),
    ("silver ring on grey stone", 6, 2048, 2048),
]
IDS = [f"{w}x{h}" for _, _, w, h in CASES]


@cache
def _original(case: tuple[str, int, int, int]) -> Image.Image:
    return render_image(*case)


@cache
def _marked(case: tuple[str, int, int, int]) -> Image.Image:
    return watermark.embed(_original(case), PAYLOAD)


_png = partial(reencoded, fmt="PNG")
_jpeg90 = partial(reencoded, fmt="JPEG", quality=90)


def _resize75(image: Image.Image) -> Image.Image:
    size = (round(image.width * 0.75), round(image.height * 0.75))
    return image.resize(size, Image.Resampling.LANCZOS)


def _psnr(a: Image.Image, b: Image.Image) -> float:
    error = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    return float(10 * np.log10(255**2 / np.mean(error**2)))


def _photo_like(seed: int, width: int, height: int) -> np.ndarray:
    """Textured colour noise at several scales, like a busy photograph."""
    rng = np.random.default_rng(seed)
    total = np.zeros((height, width, 3), dtype=np.float32)
    for sigma, amplitude in ((width / 8, 60), (width / 32, 30), (width / 128, 15), (1.0, 8)):
        layer = blurred_noise(rng.normal(size=(height, width, 3)), sigma)
        total += amplitude * layer / (layer.std() + 1e-6)
    return np.clip(120 + total, 0, 255).astype(np.uint8)


def _gradient(width: int, height: int) -> np.ndarray:
    x = np.linspace(0, 255, width)[None, :, None]
    y = np.linspace(0, 255, height)[:, None, None]
    return np.broadcast_to((x + y) / 2 * np.array([1.0, 0.6, 0.3]), (height, width, 3))


def _unmarked() -> dict[str, Image.Image]:
    rng = np.random.default_rng(7)
    arrays = {
        "noise": rng.integers(0, 256, (480, 640, 3)),
        "faint noise": 128 + rng.normal(0, 3, (300, 400, 3)),
        "gradient": _gradient(700, 500),
        "photo-like": _photo_like(3, 800, 600),
    }
    images = {name: Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
              for name, a in arrays.items()}
    for colour in ((0, 0, 0), (255, 255, 255), (128, 128, 128), (200, 30, 40)):
        images[f"solid {colour}"] = Image.new("RGB", (512, 384), colour)
    for index, (prompt, seed, width, height) in enumerate(CASES[:5]):
        images[f"render {width}x{height}"] = render_image(prompt, seed + 100, width, height)
        images[f"render {index} jpeg"] = _jpeg90(render_image(prompt, seed + 200, 512, 512))
    return images


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_psnr_of_marked_image_is_at_least_38_db(case):
    assert _psnr(_original(case), _marked(case)) >= MIN_PSNR_DB


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_marked_image_keeps_size_and_mode(case):
    assert _marked(case).size == _original(case).size
    assert _marked(case).mode == "RGB"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_payload_round_trips_after_png_save_and_load(case):
    assert watermark.detect(_png(_marked(case))) == PAYLOAD


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_payload_round_trips_after_jpeg_quality_90(case):
    assert watermark.detect(_jpeg90(_marked(case))) == PAYLOAD


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_payload_round_trips_after_resize_to_75_percent_lanczos(case):
    assert watermark.detect(_resize75(_marked(case))) == PAYLOAD


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_payload_round_trips_after_resize_to_75_percent_then_jpeg_90(case):
    assert watermark.detect(_jpeg90(_resize75(_marked(case)))) == PAYLOAD


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_payload_round_trips_after_jpeg_90_then_resize_to_75_percent(case):
    assert watermark.detect(_resize75(_jpeg90(_marked(case)))) == PAYLOAD


def test_payload_round_trips_on_photo_like_texture_through_jpeg_and_resize():
    image = Image.fromarray(_photo_like(11, 900, 700))
    marked = watermark.embed(image, PAYLOAD)
    assert _psnr(image, marked) >= MIN_PSNR_DB
    assert watermark.detect(_jpeg90(_resize75(marked))) == PAYLOAD


@pytest.mark.parametrize("offset", [-6, -2, 2, 6])
def test_payload_survives_a_uniform_brightness_offset(offset):
    marked = np.asarray(_marked(CASES[1]), dtype=np.int16)
    shifted = Image.fromarray(np.clip(marked + offset, 0, 255).astype(np.uint8))
    assert watermark.detect(shifted) == PAYLOAD


def test_no_false_positive_on_varied_unmarked_images():
    images = _unmarked()
    assert len(images) >= 8
    found = {name: watermark.detect(image) for name, image in images.items()}
    assert found == dict.fromkeys(images)


@pytest.mark.parametrize("colour", [(0, 0, 0), (255, 255, 255), (90, 140, 200)])
def test_flat_images_still_carry_the_payload(colour):
    image = Image.new("RGB", (320, 240), colour)
    assert watermark.detect(_png(watermark.embed(image, PAYLOAD))) == PAYLOAD


def test_rgba_keeps_mode_and_alpha_untouched():
    rgba = np.asarray(render_image("pink cake", 9, 400, 300).convert("RGBA")).copy()
    rgba[..., 3] = (np.arange(400) % 256).astype(np.uint8)[None, :]
    marked = watermark.embed(Image.fromarray(rgba, "RGBA"), PAYLOAD)
    assert marked.mode == "RGBA"
    assert np.array_equal(np.asarray(marked)[..., 3], rgba[..., 3])
    assert watermark.detect(_png(marked)) == PAYLOAD


def test_detect_reads_other_modes_of_a_marked_image():
    marked = _marked(CASES[1])
    for mode in ("L", "RGBA", "P"):
        assert watermark.detect(marked.convert(mode)) == PAYLOAD, mode


def test_embed_is_deterministic_and_payloads_differ():
    other = bytes(8)
    assert watermark.embed(_original(CASES[0]), PAYLOAD).tobytes() == _marked(CASES[0]).tobytes()
    assert watermark.detect(watermark.embed(_original(CASES[0]), other)) == other


@pytest.mark.parametrize("length", [0, 7, 9, 16])
def test_payload_of_wrong_length_raises(length):
    with pytest.raises(ValueError, match="8 bytes"):
        watermark.embed(_original(CASES[0]), bytes(length))


def test_embed_refuses_modes_other_than_rgb_and_rgba():
    with pytest.raises(ValueError, match="mode"):
        watermark.embed(_original(CASES[0]).convert("L"), PAYLOAD)


@pytest.mark.parametrize("size", [(1, 1), (63, 63), (63, 500), (500, 40)])
def test_image_below_64_px_is_refused_by_embed_and_unmarked_for_detect(size):
    image = Image.new("RGB", size, (120, 80, 40))
    with pytest.raises(ValueError, match="at least 64"):
        watermark.embed(image, PAYLOAD)
    assert watermark.detect(image) is None


def test_image_of_the_minimum_size_round_trips_losslessly():
    image = render_image("blue bottle", 4, 64, 64)
    marked = watermark.embed(image, PAYLOAD)
    assert marked.size == (64, 64)
    assert watermark.detect(_png(marked)) == PAYLOAD


def test_payload_for_is_the_first_8_bytes_of_the_asset_id():
    asset_id = uuid.UUID("0123456789abcdef0011223344556677")
    assert watermark.payload_for(asset_id) == bytes.fromhex("0123456789abcdef")
    assert len(watermark.payload_for(uuid.uuid4())) == watermark.PAYLOAD_BYTES
