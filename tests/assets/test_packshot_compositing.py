"""Packshot and shadow compositing (providers/compositing.py) on product photos made here: an
Amazon main-image packshot passes the compliance check as measured, shadows fall away from the
light, and the same input always gives the same pixels."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from assets.compliance import check
from catalog.presets import builtin_presets
from providers import compositing
from providers.local_edits import remove_background


def product_photo(side: int = 1024) -> Image.Image:
    """A red box under a blue dome on an off-white studio background (250, 248, 244)."""
    image = Image.new("RGB", (side, side), (250, 248, 244))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((side * 0.3, side * 0.4, side * 0.7, side * 0.8), side // 30,
                           fill=(200, 40, 60))
    draw.ellipse((side * 0.38, side * 0.22, side * 0.62, side * 0.46), fill=(40, 90, 170))
    return image


def cut_out(side: int = 600) -> Image.Image:
    """A green box, transparent around it."""
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((side * 0.4, side * 0.3, side * 0.6, side * 0.6),
                                    fill=(30, 120, 60, 255))
    return image


@pytest.fixture
def amazon():
    return builtin_presets()["amazon-main"]


def test_an_amazon_main_packshot_passes_the_compliance_check(amazon):
    cut = remove_background(product_photo())  # the offline cut-out of an off-white photo
    picture = compositing.packshot(cut, amazon, "none")
    data = compositing.encode(picture, compositing.export_format(amazon))
    report = check(data, amazon)
    assert report.passed, report.as_dict()
    assert report.rule("format").measured == "jpeg"
    assert report.rule("color_space").measured == "sRGB"
    assert report.rule("background").measured >= 0.999
    assert report.rule("fill").measured >= 0.85
    assert report.rule("longest_side").measured >= 1600
    assert Image.open(io.BytesIO(data)).info["icc_profile"] == compositing.srgb_icc()


def test_the_product_is_trimmed_centred_and_scaled_to_the_presets_fill(amazon):
    picture = compositing.packshot(cut_out(), amazon, "none")
    assert picture.size == (2000, 2000)
    pixels = np.asarray(picture)
    product = np.argwhere((pixels != 255).any(axis=2))
    (top, left), (bottom, right) = product.min(axis=0), product.max(axis=0) + 1
    assert (bottom - top) / 2000 == pytest.approx(amazon.min_fill + 0.03, abs=0.002)
    assert abs((left + right) / 2 - 1000) <= 1 and abs((top + bottom) / 2 - 1000) <= 1


def test_an_empty_cut_out_is_refused():
    with pytest.raises(ValueError, match="empty"):
        compositing.packshot(Image.new("RGBA", (64, 64)), builtin_presets()["etsy"], "none")


def centroid(mask: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(mask)
    return np.array([cols.mean(), rows.mean()])


def shadow_offset(light_angle: float) -> np.ndarray:
    """Where the cast shadow's centroid lies from the product's (x right, y down)."""
    source = cut_out()
    product = np.asarray(source.getchannel("A")) > 0
    shadowed = compositing.add_shadows(source, compositing.Shadow(
        light_angle=light_angle, distance=0.3, opacity=0.8, contact=0.0))
    shadow = (np.asarray(shadowed.getchannel("A")) > 0) & ~product
    return centroid(shadow) - centroid(product)


@pytest.mark.parametrize("light_angle, away", [(90, (-1, 0)), (270, (1, 0)), (0, (0, 1)),
                                               (135, (-1, -1))])
def test_the_cast_shadow_falls_opposite_the_light(light_angle, away):
    offset = shadow_offset(light_angle)
    direction = np.array(away, float) / np.hypot(*away)
    along = float(offset @ direction)
    assert along > 20  # px, of a product 180 px tall, thrown 0.3 of it away
    assert abs(float(offset @ np.array([-direction[1], direction[0]]))) < 0.2 * along


def test_a_contact_shadow_sits_under_the_product_only():
    source = cut_out()
    product = np.asarray(source.getchannel("A")) > 0
    shadowed = compositing.add_shadows(source, compositing.Shadow(opacity=0.0, contact=0.8))
    shadow = (np.asarray(shadowed.getchannel("A")) > 0) & ~product
    offset = centroid(shadow) - centroid(product)
    assert abs(offset[0]) < 2 and offset[1] > 0.4 * 180  # centred, at the base
    assert not shadow[: int(600 * 0.5)].any()  # nothing above the product's lower half


def test_shadows_are_deterministic():
    shadow = compositing.Shadow(light_angle=200, softness=0.8, opacity=0.6, distance=0.2)
    first = compositing.add_shadows(cut_out(), shadow)
    second = compositing.add_shadows(cut_out(), shadow)
    assert first.tobytes() == second.tobytes()
    packshots = [compositing.encode(compositing.packshot(cut_out(), builtin_presets()[
        "etsy"], "drop"), "jpeg") for _ in range(2)]
    assert packshots[0] == packshots[1]


def test_a_packshot_shadow_darkens_only_near_the_product(amazon):
    plain = np.asarray(compositing.packshot(cut_out(), amazon, "none"), np.int16)
    dropped = np.asarray(compositing.packshot(cut_out(), amazon, "drop"), np.int16)
    changed = np.argwhere((plain != dropped).any(axis=2))
    assert len(changed) > 0
    assert (dropped <= plain).all()  # a shadow only darkens
    corner = dropped[:200, :200]
    assert (corner == 255).all()  # the frame's corners stay exactly white
