"""Pixel engine of the offline "local" provider: stands in for a real AI model in demos and
tests by turning (prompt, seed, size) into a deterministic abstract backdrop with Pillow alone."""

from __future__ import annotations

import math
import random
from dataclasses import replace

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from providers.local_scene import (
    Palette,
    Point,
    Shape,
    compose,
    outline,
    palette_for,
    seeded_rng,
)

MAX_SIDE = 4096
SOFT_SIDE = 512  # longest side for the blurry layers (background, glows, shadows)
SHARP_SIDES = (256, 1024)  # range of the longest side the crisp shapes are drawn at
SUPERSAMPLE = 4  # shape masks are drawn this many times larger, then reduced (anti-aliasing)
MAX_FINE_AREA = 300_000  # shapes whose box is larger than this get 2x supersampling only
MIN_CAPTION_SIDE = 128
CAPTION_CHARS = 40

_SMOOTH = Image.Resampling.BILINEAR
_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def render_image(prompt: str, seed: int, width: int, height: int) -> Image.Image:
    """Render a deterministic RGB image of exactly ``width`` x ``height`` pixels."""
    _validate(prompt, seed, width, height)
    palette = palette_for(prompt)
    rng = seeded_rng("composition", prompt, str(seed))
    shapes = compose(palette, rng)
    low, high = SHARP_SIDES
    sharp_size = _fit(width, height, min(high, max(low, width, height)))
    soft_size = _fit(width, height, min(SOFT_SIDE, max(sharp_size)))
    canvas = _background(palette, rng, soft_size)
    canvas = _draw_glows(canvas, palette, rng)
    _draw_shapes(canvas, [shape for shape in shapes if shape.backdrop])
    canvas = _draw_shadows(canvas, shapes, rng)
    canvas = canvas.resize(sharp_size, Image.Resampling.BILINEAR)
    _draw_shapes(canvas, [shape for shape in shapes if not shape.backdrop])
    _draw_highlights(canvas, shapes, _shrunk(soft_size, 2))
    image = canvas
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    if min(width, height) >= MIN_CAPTION_SIDE:
        _draw_caption(image, prompt, seed)
    return image


# --- inputs ---------------------------------------------------------------------------


def _validate(prompt: str, seed: int, width: int, height: int) -> None:
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a str, got {type(prompt).__name__}")
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    for name, value in (("width", width), ("height", height)):
        if not _is_int(value) or not 1 <= value <= MAX_SIDE:
            raise ValueError(f"{name} must be an int in 1..{MAX_SIDE}, got {value!r}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fit(width: int, height: int, side: int) -> tuple[int, int]:
    """The size with the aspect ratio of ``width`` x ``height`` and longest side ``side``."""
    scale = side / max(width, height)
    return max(8, round(width * scale)), max(8, round(height * scale))


# --- palette --------------------------------------------------------------------------


# --- background -----------------------------------------------------------------------


def _background(palette: Palette, rng: random.Random, size: tuple[int, int]) -> Image.Image:
    builders = {
        "linear": _linear_mask,
        "radial": _radial_mask,
        "studio": _studio_mask,
        "split": _split_mask,
    }
    mask = builders[palette.background](rng, size)
    dark, mid, light = palette.shades
    return ImageOps.colorize(mask, black=dark, white=light, mid=mid)


def _linear_mask(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    angle = rng.uniform(0, 360)
    gradient = Image.linear_gradient("L").resize((64, 64)).rotate(angle, Image.Resampling.BICUBIC)
    gradient = gradient.crop((14, 14, 50, 50))
    return gradient.resize(size, Image.Resampling.BICUBIC)


def _radial_mask(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.25, 0.6)
    gradient = ImageOps.invert(Image.radial_gradient("L"))
    box = (cx * 128, cy * 128, cx * 128 + 128, cy * 128 + 128)
    return gradient.resize(size, Image.Resampling.BICUBIC, box=box)


def _studio_mask(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    horizon = rng.uniform(0.55, 0.75)
    column = [_studio_value(i / 63, horizon) for i in range(64)]
    strip = Image.new("L", (1, 64))
    strip.putdata(column)
    return strip.resize(size, Image.Resampling.BICUBIC)


def _studio_value(t: float, horizon: float) -> int:
    if t < horizon:  # wall: darker at the top, brightening towards the floor
        return round(90 + 120 * (t / horizon) ** 1.5)
    return round(235 - 70 * (t - horizon) / (1 - horizon))


def _split_mask(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    small = Image.new("L", (64, 64), 60)
    draw = ImageDraw.Draw(small)
    a, b = rng.uniform(-10, 74), rng.uniform(-10, 74)
    draw.polygon([(a, -1), (b, 65), (65, 65), (65, -1)], fill=220)
    small = small.filter(ImageFilter.GaussianBlur(1.2))
    return small.resize(size, Image.Resampling.BICUBIC)


# --- composition ----------------------------------------------------------------------


# --- drawing --------------------------------------------------------------------------


def _draw_glows(canvas: Image.Image, palette: Palette, rng: random.Random) -> Image.Image:
    """Large blurred blobs of an accent colour; the mask is built at a quarter of the size."""
    mask = Image.new("L", _shrunk(canvas.size, 4), 0)
    draw = ImageDraw.Draw(mask)
    unit = min(mask.size)
    for _ in range(rng.randint(1, 3)):
        x, y = rng.uniform(0, 1) * mask.width, rng.uniform(0, 1) * mask.height
        r = rng.uniform(0.15, 0.4) * unit
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(90, 170))
    mask = mask.filter(ImageFilter.GaussianBlur(unit * 0.12))
    canvas.paste(rng.choice(palette.accents), mask=mask.resize(canvas.size, _SMOOTH))
    return canvas


def _draw_shadows(canvas: Image.Image, shapes: list[Shape], rng: random.Random) -> Image.Image:
    """Soft drop shadows under the shapes; the mask is built at half the size."""
    mask = Image.new("L", _shrunk(canvas.size, 2), 0)
    draw = ImageDraw.Draw(mask)
    unit = min(mask.size)
    dx, dy = rng.uniform(-0.025, 0.025) * unit, rng.uniform(0.015, 0.035) * unit
    for shape in shapes:
        if shape.shadow:
            points = [(x + dx, y + dy) for x, y in outline(shape, mask.size)]
            draw.polygon(points, fill=110)
    mask = mask.filter(ImageFilter.GaussianBlur(unit * 0.025))
    canvas.paste((10, 10, 20), mask=mask.resize(canvas.size, _SMOOTH))
    return canvas


def _shrunk(size: tuple[int, int], factor: int) -> tuple[int, int]:
    return max(1, size[0] // factor), max(1, size[1] // factor)


def _draw_shapes(canvas: Image.Image, shapes: list[Shape]) -> None:
    for shape in shapes:
        _draw_shape(canvas, shape)


def _draw_shape(canvas: Image.Image, shape: Shape) -> None:
    """Blend one anti-aliased shape onto ``canvas`` through a supersampled coverage mask."""
    points = outline(shape, canvas.size)
    left = max(0, math.floor(min(x for x, _ in points)))
    top = max(0, math.floor(min(y for _, y in points)))
    right = min(canvas.width, math.ceil(max(x for x, _ in points)) + 1)
    bottom = min(canvas.height, math.ceil(max(y for _, y in points)) + 1)
    if right <= left or bottom <= top:
        return
    box = (left, top, right, bottom)
    scale = SUPERSAMPLE if (right - left) * (bottom - top) <= MAX_FINE_AREA else 2
    mask = Image.new("L", ((right - left) * scale, (bottom - top) * scale), 0)
    draw = ImageDraw.Draw(mask)
    draw.polygon(_shifted(points, box, scale), fill=shape.color[3])
    if shape.kind == "ring":  # punch out the inside, leaving a thin outline
        inner = replace(shape, size=max(0.0, shape.size - 0.012))
        draw.polygon(_shifted(outline(inner, canvas.size), box, scale), fill=0)
    canvas.paste(shape.color[:3], box, mask.reduce(scale))


def _shifted(points: list[Point], box: tuple[int, int, int, int], scale: int) -> list[Point]:
    return [((x - box[0]) * scale, (y - box[1]) * scale) for x, y in points]


def _draw_highlights(canvas: Image.Image, shapes: list[Shape], mask_size: tuple[int, int]) -> None:
    """Soft specular spots on "lit" shapes; the blurred mask is built at ``mask_size``."""
    lit = [shape for shape in shapes if shape.highlight]
    if not lit:
        return
    mask = Image.new("L", mask_size, 0)
    draw = ImageDraw.Draw(mask)
    unit = min(mask_size)
    for shape in lit:
        r = shape.size * unit
        x, y = shape.x * mask.width - r * 0.35, shape.y * mask.height - r * 0.35
        draw.ellipse((x - r * 0.35, y - r * 0.35, x + r * 0.35, y + r * 0.35), fill=120)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, unit * 0.02)))
    bbox = mask.getbbox()
    if bbox is None:
        return
    scale_x, scale_y = canvas.width / mask.width, canvas.height / mask.height
    box = (
        round(bbox[0] * scale_x),
        round(bbox[1] * scale_y),
        round(bbox[2] * scale_x),
        round(bbox[3] * scale_y),
    )
    spots = mask.resize((box[2] - box[0], box[3] - box[1]), _SMOOTH, box=bbox)
    canvas.paste((255, 255, 255), box, mask=spots)


# --- caption --------------------------------------------------------------------------


def _draw_caption(image: Image.Image, prompt: str, seed: int) -> None:
    font = _font(max(9, round(min(image.size) * 0.022)))
    size = getattr(font, "size", 11)
    margin = max(4, round(size * 0.8))
    text = _caption_text(prompt, seed, font, image.width - 4 * margin)
    draw = ImageDraw.Draw(image, "RGBA")
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x, y = margin, image.height - margin - bottom
    pad = max(2, round(size * 0.35))
    draw.rounded_rectangle(
        (x + left - pad, y + top - pad, x + right + pad, y + bottom + pad),
        radius=pad,
        fill=(0, 0, 0, 96),
    )
    draw.text((x, y), text, font=font, fill=(255, 255, 255, 220))


def _caption_text(prompt: str, seed: int, font: _Font, limit: int) -> str:
    """First words of the prompt plus the seed, shortened with an ellipsis to fit ``limit``."""
    words, suffix = " ".join(prompt.split()), f"seed {seed}"
    keep = len(words) if len(words) <= CAPTION_CHARS else CAPTION_CHARS - 1
    while keep > 0:
        shown = words if keep == len(words) else words[:keep].rstrip() + "\u2026"
        text = f"{shown} \u00b7 {suffix}"
        if font.getlength(text) <= limit:
            return text
        keep -= 1
    return suffix


def _font(size: int) -> _Font:
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError):  # Pillow built without FreeType: fixed bitmap font
        return ImageFont.load_default()
