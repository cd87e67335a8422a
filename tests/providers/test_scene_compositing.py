"""Standing a cut-out in a scene (providers/scenes.py): the product's pixels are the cut-out's,
it stands where the placement says at the size the scale says, its shadow falls away from the
scene's light, and harmonisation changes nothing but the edge band."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFilter

from catalog.scenes import scene_book
from providers import scenes
from providers.compositing import cutout, trim
from providers.local_render import render_image
from providers.local_scene import scene_for

FRAME = (1000, 500)
GREY = (128, 128, 128)


def textured_cutout(size: tuple[int, int] = (200, 300), pad: int = 40) -> Image.Image:
    """A product of random pixels (any filtering would show) with a hard edge, on transparency
    with `pad` pixels around it."""
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    cut = Image.new("RGBA", (size[0] + 2 * pad, size[1] + 2 * pad), (0, 0, 0, 0))
    cut.paste(Image.fromarray(pixels, "RGB").convert("RGBA"), (pad, pad))
    return cut


def product_pixels(cut: Image.Image) -> np.ndarray:
    trimmed = cut.crop(cut.getchannel("A").getbbox())
    return np.asarray(trimmed.convert("RGB"), np.int16)


def band_of(width: int, height: int) -> int:
    return max(scenes.MIN_BAND, round(scenes.BAND * max(width, height)))


def test_a_scene_keeps_the_products_pixels_exactly():
    cut = textured_cutout()
    background = render_image("an empty wooden table", 3, *FRAME)
    # 300 px tall at 0.6 of a 500 px frame: placed 1:1, no resize
    stand = scenes.Stand(x=0.5, ground=0.85, scale=0.6)
    out = scenes.compose(background, cut, stand, scenes.scene_shadow("drop", 300), 0.8)
    left, top, width, height = scenes.placed_box((200, 300), FRAME, stand)
    assert (width, height) == (200, 300)
    placed = np.asarray(out, np.int16)[top:top + height, left:left + width]
    want = product_pixels(cut)
    band = band_of(width, height)
    inner = (slice(band, -band), slice(band, -band))
    assert np.array_equal(placed[inner], want[inner])
    assert not np.array_equal(placed, want)  # the band itself was harmonised


@pytest.mark.parametrize("placement", sorted(scene_book().placements))
def test_the_placement_puts_the_products_box_where_asked(placement):
    cut = textured_cutout((120, 200))
    spot = scene_book().placements[placement]
    ground = spot.ground or 0.8
    background = Image.new("RGB", FRAME, GREY)
    out = scenes.compose(background, cut, scenes.Stand(x=spot.x, ground=ground, scale=0.5))
    changed = np.any(np.asarray(out, np.int16) != GREY, axis=2)
    rows, cols = np.nonzero(changed)
    assert rows.max() + 1 - rows.min() == 250  # half the frame's height
    assert abs((cols.min() + cols.max() + 1) / 2 - spot.x * FRAME[0]) <= 1
    assert abs(rows.max() + 1 - ground * FRAME[1]) <= 1


def test_a_product_too_wide_for_the_scale_is_fitted_inside_the_frame():
    left, top, width, height = scenes.placed_box((1000, 100), (400, 400),
                                                 scenes.Stand(x=0.3, scale=0.9))
    assert width == round(scenes.MAX_WIDTH * 400) and height == 36
    assert left >= 0 and left + width <= 400 and top + height <= 400


@pytest.mark.parametrize("light_angle, darker_side", [(270, "right"), (90, "left")])
def test_the_shadow_falls_away_from_the_light(light_angle, darker_side):
    cut = textured_cutout((160, 240))
    background = Image.new("RGB", FRAME, (220, 220, 220))
    stand = scenes.Stand(x=0.5, ground=0.8, scale=0.48)
    out = np.asarray(scenes.compose(background, cut, stand,
                                    scenes.scene_shadow("drop", light_angle)), np.int16)
    left, top, width, height = scenes.placed_box((160, 240), FRAME, stand)
    rows = slice(top + height // 4, top + height)
    beside = {"left": out[rows, left - 30:left - 2], "right": out[rows, left + width + 2:
                                                                   left + width + 30]}
    darkness = {side: 220 - pixels.mean() for side, pixels in beside.items()}
    other = "left" if darker_side == "right" else "right"
    assert darkness[darker_side] > 3 and darkness[darker_side] > 3 * darkness[other]
    assert out[5, 5].tolist() == [220, 220, 220]  # far from the product: untouched


def test_harmonisation_changes_only_the_edge_band():
    cut = textured_cutout()
    background = render_image("an empty kitchen, cream wall", 5, *FRAME)
    stand = scenes.Stand(x=0.4, ground=0.9, scale=0.6)
    plain = np.asarray(scenes.compose(background, cut, stand, None, 0.0), np.int16)
    tinted = np.asarray(scenes.compose(background, cut, stand, None, 1.0), np.int16)
    changed = np.any(plain != tinted, axis=2)
    assert changed.any()
    left, top, width, height = scenes.placed_box((200, 300), FRAME, stand)
    band = band_of(width, height)
    product = np.zeros(changed.shape, bool)
    product[top:top + height, left:left + width] = True
    interior = np.zeros(changed.shape, bool)
    interior[top + band:top + height - band, left + band:left + width - band] = True
    assert not (changed & ~product).any()  # the background is the same either way
    assert not (changed & interior).any()  # deeper than the band: the cut-out's own


def test_the_edge_band_moves_towards_the_backgrounds_colour():
    cut = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    cut.paste((250, 250, 250, 255), (50, 50, 150, 150))
    background = Image.new("RGB", (400, 400), (20, 40, 200))
    stand = scenes.Stand(x=0.5, ground=0.8, scale=0.25)
    out = scenes.compose(background, cut, stand, None, 1.0)
    left, top, width, height = scenes.placed_box((100, 100), (400, 400), stand)
    edge = out.getpixel((left + width // 2, top))
    centre = out.getpixel((left + width // 2, top + height // 2))
    assert centre == (250, 250, 250)
    assert edge[2] > edge[0] + 20  # the blue surroundings have tinted the white edge


def test_a_soft_matte_keeps_its_interior_too():
    cut = textured_cutout()
    cut.putalpha(cut.getchannel("A").filter(ImageFilter.GaussianBlur(2)))
    trimmed = trim(cutout(cut))  # the faint haze of the blur is background
    stand = scenes.Stand(x=0.5, ground=0.85, scale=trimmed.height / FRAME[1])  # 1:1
    out = scenes.compose(Image.new("RGB", FRAME, GREY), cut, stand, None, 1.0)
    left, top, width, height = scenes.placed_box(trimmed.size, FRAME, stand)
    assert (width, height) == trimmed.size
    placed = np.asarray(out, np.int16)[top:top + height, left:left + width]
    want = np.asarray(trimmed.convert("RGB"), np.int16)
    inner = (slice(30, -30), slice(30, -30))
    assert np.array_equal(placed[inner], want[inner])


def test_an_empty_cut_out_cannot_be_placed():
    with pytest.raises(ValueError, match="empty"):
        scenes.compose(Image.new("RGB", FRAME), Image.new("RGBA", (50, 50)), scenes.Stand())


@pytest.mark.parametrize("image, expected", [
    (Image.new("RGB", (10, 10), GREY), (255, 255)),
    (Image.new("RGBA", (10, 10), (0, 0, 0, 0)), (0, 0)),
    (textured_cutout((4, 4), pad=2), (0, 255)),
])
def test_alpha_range_tells_a_cut_out_from_a_photo(image, expected):
    assert scenes.alpha_range(image) == expected


def test_the_offline_renderer_draws_an_empty_set_for_a_scenes_background():
    book = scene_book()
    for scene in book.scenes.values():
        prompt = f"{scene.prompt}, {book.background}"
        assert scene_for(prompt, 1).subject is None
    assert scene_for("a red bottle", 1).subject == "bottle"
    assert scene_for("an empty bottle on a table", 1).subject == "bottle"
