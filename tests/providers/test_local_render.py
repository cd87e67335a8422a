"""The local provider's pixel engine: exact sizes, determinism, visible variety, validation."""

import itertools

import pytest
from PIL import Image, ImageChops, ImageStat

from providers.local_render import render_image

PROMPTS = (
    "a red sneaker on a marble podium",
    "minimal perfume bottle, soft light",
    "gold watch on black velvet",
    "",
)
# Mean absolute per-channel difference (0..255) between two renders shrunk to 64x64 RGB.
# Measured over 660 seed pairs and 270 prompt pairs the smallest values were ~16 (seeds) and
# ~23 (prompts), medians ~40 and ~69; an identical render scores 0.
MIN_SEED_DIFFERENCE = 8.0
MIN_PROMPT_DIFFERENCE = 10.0


def _thumb(prompt: str, seed: int) -> Image.Image:
    return render_image(prompt, seed, 256, 256).resize((64, 64), Image.Resampling.BOX)


def _difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def test_same_prompt_seed_and_size_render_identical_pixels():
    first = render_image("a red sneaker on a marble podium", 7, 640, 480)
    second = render_image("a red sneaker on a marble podium", 7, 640, 480)
    assert first.tobytes() == second.tobytes()


@pytest.mark.parametrize(
    ("width", "height"),
    [(64, 64), (1, 1), (127, 129), (512, 512), (640, 480), (300, 900), (2048, 1152), (4096, 3)],
)
def test_image_is_rgb_and_exactly_the_requested_size(width, height):
    image = render_image("a gold watch", 3, width, height)
    assert image.mode == "RGB"
    assert image.size == (width, height)


def test_different_seeds_of_one_prompt_look_visibly_different():
    for prompt in PROMPTS:
        thumbs = [_thumb(prompt, seed) for seed in range(6)]
        for a, b in itertools.combinations(range(6), 2):
            difference = _difference(thumbs[a], thumbs[b])
            assert difference > MIN_SEED_DIFFERENCE, (prompt, a, b, difference)


def test_different_prompts_with_one_seed_look_visibly_different():
    for seed in (0, 1, 42):
        thumbs = {prompt: _thumb(prompt, seed) for prompt in PROMPTS}
        for a, b in itertools.combinations(PROMPTS, 2):
            difference = _difference(thumbs[a], thumbs[b])
            assert difference > MIN_PROMPT_DIFFERENCE, (a, b, seed, difference)


def test_caption_survives_long_multiline_and_non_latin_prompts():
    prompt = "  a very long prompt\nwith newlines\tand tabs, 猫と犬, emoji 🎨 " * 20
    image = render_image(prompt, 2**63, 2048, 128)
    assert image.size == (2048, 128)


@pytest.mark.parametrize(
    ("seed", "width", "height"),
    [
        (-1, 64, 64),
        (1.5, 64, 64),
        (True, 64, 64),
        ("1", 64, 64),
        (1, 0, 64),
        (1, 64, 0),
        (1, 4097, 64),
        (1, 64, 4097),
        (1, 64.0, 64),
        (1, 64, None),
    ],
)
def test_invalid_seed_or_size_raises_value_error(seed, width, height):
    with pytest.raises(ValueError):
        render_image("a cat", seed, width, height)


def test_non_string_prompt_raises_type_error():
    with pytest.raises(TypeError):
        render_image(b"a cat", 1, 64, 64)
