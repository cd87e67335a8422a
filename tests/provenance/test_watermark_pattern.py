"""The watermark made a band at a time is the watermark as specified: the tile interpolated
bicubically by Pillow at RMS 1, added to R, G and B alike; and a marked PNG is stored
lossless, its pixels exactly the marked ones."""

from __future__ import annotations

import io
import uuid

import numpy as np
import pytest
from PIL import Image

from provenance import marks, watermark
from provenance import watermark_code as code
from provenance import watermark_grid as grid
from providers.local_render import render_image

PAYLOAD = bytes.fromhex("a7e1c0de5eed0042")


def whole_plane(bits: np.ndarray, width: int, height: int) -> np.ndarray:
    """The pattern as one Pillow resize of the tiled chips (how it was first made)."""
    chip = grid.chip_size(min(width, height))
    across, down = int(np.ceil(width / chip)) + 2, int(np.ceil(height / chip)) + 2
    chips = np.tile(grid.tile(bits), (down // grid.TILE + 1, across // grid.TILE + 1))
    plane = chips[:down, :across]
    if chip > 1.0:
        plane = grid.resample(plane, chip, (width, height), Image.Resampling.BICUBIC)
    plane = plane[:height, :width]
    return plane / np.sqrt(np.mean(plane.astype(np.float64) ** 2))


@pytest.mark.parametrize("size", [(1024, 1024), (640, 480), (300, 900), (1023, 767), (100, 80)])
def test_the_banded_pattern_is_pillows_bicubic_interpolation_at_rms_1(size):
    bits = code.encode(PAYLOAD)
    pattern = grid.Pattern(bits, *size)
    bands = np.vstack([pattern.band(top, min(top + 64, size[1]))
                       for top in range(0, size[1], 64)])
    assert bands.shape == (size[1], size[0])
    assert np.abs(bands - whole_plane(bits, *size)).max() < 1e-5
    assert np.sqrt(np.mean(bands.astype(np.float64) ** 2)) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_marking_in_place_adds_one_rounded_change_to_each_colour_and_keeps_alpha(mode):
    image = render_image("a teal kettle", 3, 512, 384).convert(mode)
    before = np.asarray(image).astype(int)
    watermark.embed_in_place(image, PAYLOAD)
    after = np.asarray(image).astype(int)
    change = np.rint(watermark.STRENGTH * whole_plane(code.encode(PAYLOAD), 512, 384))
    expected = np.clip(before[..., :3] + change[..., None], 0, 255)
    assert np.count_nonzero(after[..., :3] != expected) <= 0.0001 * expected.size  # .5 ties
    if mode == "RGBA":
        assert np.array_equal(after[..., 3], before[..., 3])
    assert watermark.detect(image) == PAYLOAD


def test_a_marked_png_is_stored_lossless(settings):
    settings.ATELIER_C2PA_TEST_CA = False  # the pixels only
    settings.ATELIER_C2PA_CERT_FILE = settings.ATELIER_C2PA_KEY_FILE = ""
    buffer = io.BytesIO()
    render_image("a red sneaker", 5, 640, 480).save(buffer, "PNG")
    asset_id = uuid.uuid4()
    data, record = marks.mark(buffer.getvalue(), "png", family="local", asset_id=asset_id,
                              model_id="atelier.local-v1", model_name="local",
                              pixels=marks.decode(buffer.getvalue()))
    stored = Image.open(io.BytesIO(data))
    expected = watermark.embed(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"),
                               watermark.payload_for(asset_id))
    assert stored.format == "PNG" and stored.mode == "RGB"
    assert np.array_equal(np.asarray(stored), np.asarray(expected))
    assert record["watermark"] == {"by": "atelier",
                                   "payload": watermark.payload_for(asset_id).hex()}
