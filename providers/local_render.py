"""Pixel engine of the offline "local" provider: stands in for a real AI model in demos and
tests by turning (prompt, seed, size) into a deterministic abstract backdrop with Pillow alone."""

from __future__ import annotations

import colorsys
import hashlib
import math
import random
import re
from dataclasses import dataclass, replace

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

MAX_SIDE = 4096
SOFT_SIDE = 512  # longest side for the blurry layers (background, glows, shadows)
SHARP_SIDES = (256, 1024)  # range of the longest side the crisp shapes are drawn at
SUPERSAMPLE = 4  # shape masks are drawn this many times larger, then reduced (anti-aliasing)
MAX_FINE_AREA = 300_000  # shapes whose box is larger than this get 2x supersampling only
MIN_CAPTION_SIDE = 128
CAPTION_CHARS = 40

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Point = tuple[float, float]
_SMOOTH = Image.Resampling.BILINEAR
_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Colour words in the prompt steer the palette: name -> (hue, saturation, lightness mood).
_COLOUR_WORDS: dict[str, tuple[float, float, str]] = {
    "red": (0.99, 0.70, ""),
    "orange": (0.07, 0.80, ""),
    "gold": (0.115, 0.65, ""),
    "golden": (0.115, 0.65, ""),
    "yellow": (0.15, 0.80, ""),
    "green": (0.36, 0.55, ""),
    "teal": (0.49, 0.55, ""),
    "blue": (0.60, 0.65, ""),
    "purple": (0.76, 0.50, ""),
    "violet": (0.78, 0.50, ""),
    "pink": (0.93, 0.60, "light"),
    "black": (-1.0, 0.25, "dark"),
    "white": (-1.0, 0.20, "light"),
    "grey": (-1.0, 0.08, ""),
    "gray": (-1.0, 0.08, ""),
    "silver": (-1.0, 0.08, "light"),
}
_MOOD_WORDS = {
    "night": "dark",
    "midnight": "dark",
    "dark": "dark",
    "noir": "dark",
    "moody": "dark",
    "light": "light",
    "bright": "light",
    "pastel": "light",
    "morning": "light",
    "sunny": "light",
}
_WORD_RE = re.compile(r"[a-z]+")
_SCHEMES = ((0.0, 0.06, -0.06), (0.0, 0.5, 0.45), (0.0, 1 / 3, 2 / 3), (0.0, 0.42, 0.58))
_BACKGROUNDS = ("linear", "radial", "studio", "split")
_LAYOUTS = ("podium", "scatter", "cards", "orbit", "bands")


@dataclass(frozen=True)
class Palette:
    """Colours and background style derived from the prompt alone."""

    shades: tuple[RGB, RGB, RGB]  # background: dark, mid, light
    accents: tuple[RGB, ...]
    background: str


@dataclass(frozen=True)
class Shape:
    """One element of the composition, in normalised coordinates (0..1 of the canvas)."""

    kind: str  # "circle", "rect", "polygon", "ring", "band"
    x: float
    y: float
    size: float  # radius, as a fraction of the shorter canvas side
    color: RGBA
    aspect: float = 1.0
    angle: float = 0.0
    sides: int = 4
    shadow: bool = True
    highlight: bool = False
    backdrop: bool = False  # drawn with the soft layers, behind the shadows


def render_image(prompt: str, seed: int, width: int, height: int) -> Image.Image:
    """Render a deterministic RGB image of exactly ``width`` x ``height`` pixels."""
    _validate(prompt, seed, width, height)
    palette = _palette(prompt)
    rng = _rng("composition", prompt, str(seed))
    shapes = _compose(palette, rng)
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


def _rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _fit(width: int, height: int, side: int) -> tuple[int, int]:
    """The size with the aspect ratio of ``width`` x ``height`` and longest side ``side``."""
    scale = side / max(width, height)
    return max(8, round(width * scale)), max(8, round(height * scale))


# --- palette --------------------------------------------------------------------------


def _palette(prompt: str) -> Palette:
    rng = _rng("palette", prompt)
    hue, sat, mood = rng.random(), rng.uniform(0.35, 0.75), rng.choice(("light", "mid", "dark"))
    hues = [hue + offset for offset in rng.choice(_SCHEMES)]
    words = _WORD_RE.findall(prompt.lower())
    named = [_COLOUR_WORDS[word] for word in words if word in _COLOUR_WORDS]
    moods = [_MOOD_WORDS[word] for word in words if word in _MOOD_WORDS]
    hinted = [m for _, _, m in named if m] + moods  # mood words beat colour words, last wins
    mood = hinted[-1] if hinted else mood
    chromatic = [(h, s) for h, s, _ in named if h >= 0]
    if chromatic:  # first colour named drives the hue family, a second one the contrast
        hues[0], sat = chromatic[0][0] + rng.uniform(-0.015, 0.015), chromatic[0][1]
        hues[1] = chromatic[1][0] if len(chromatic) > 1 else hues[1]
    elif named:  # only black / white / grey: keep the random hue but mute it
        sat = min(sat, named[0][1])
    return Palette(
        shades=_shades(hues[0], sat, mood),
        accents=_accents(hues, sat, mood, rng),
        background=rng.choice(_BACKGROUNDS),
    )


def _hls(hue: float, lightness: float, saturation: float) -> RGB:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, _clamp(lightness), _clamp(saturation))
    return round(r * 255), round(g * 255), round(b * 255)


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def _shades(hue: float, sat: float, mood: str) -> tuple[RGB, RGB, RGB]:
    centre = {"light": 0.80, "mid": 0.55, "dark": 0.19}[mood]
    bg_sat = sat * {"light": 0.55, "mid": 0.75, "dark": 0.45}[mood]
    return (
        _hls(hue, centre - 0.16, bg_sat),
        _hls(hue, centre, bg_sat),
        _hls(hue + 0.02, centre + 0.14, bg_sat * 0.9),
    )


def _accents(hues: list[float], sat: float, mood: str, rng: random.Random) -> tuple[RGB, ...]:
    base = {"light": 0.55, "mid": 0.62, "dark": 0.55}[mood]
    colours = [_hls(h, base + rng.uniform(-0.12, 0.12), sat + 0.15) for h in hues]
    colours.append(_hls(hues[0], 0.93 if mood != "light" else 0.30, sat * 0.3))
    colours.append(_hls(hues[0], base + 0.15, sat + 0.1))  # the main hue comes up most often
    return tuple(colours)


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


def _compose(palette: Palette, rng: random.Random) -> list[Shape]:
    layout = rng.choice(_LAYOUTS)
    builders = {
        "podium": _podium,
        "scatter": _scatter,
        "cards": _cards,
        "orbit": _orbit,
        "bands": _bands,
    }
    return builders[layout](palette, rng)


def _colour(palette: Palette, rng: random.Random, alpha: tuple[int, int] = (235, 255)) -> RGBA:
    r, g, b = rng.choice(palette.accents)
    return r, g, b, rng.randint(*alpha)


def _random_shape(palette: Palette, rng: random.Random, x: float, y: float, size: float) -> Shape:
    kind = rng.choice(("circle", "rect", "polygon", "ring", "circle", "rect"))
    return Shape(
        kind=kind,
        x=x,
        y=y,
        size=size,
        color=_colour(palette, rng),
        aspect=rng.uniform(0.5, 1.6) if kind == "rect" else 1.0,
        angle=rng.uniform(0, 360),
        sides=rng.randint(3, 7),
        shadow=kind != "ring",
        highlight=kind == "circle" and rng.random() < 0.7,
    )


def _podium(palette: Palette, rng: random.Random) -> list[Shape]:
    base_y = rng.uniform(0.72, 0.82)
    x = rng.uniform(0.35, 0.65)
    width = rng.uniform(0.22, 0.32)
    shapes = [
        Shape(
            "circle",
            rng.uniform(0.2, 0.8),
            rng.uniform(0.2, 0.4),
            rng.uniform(0.2, 0.35),
            _colour(palette, rng, (120, 190)),
            shadow=False,
            backdrop=True,
        ),
        Shape("rect", x, base_y, width, _colour(palette, rng), aspect=0.35),
    ]
    hero = rng.uniform(0.1, 0.16)
    kind = rng.choice(("circle", "polygon", "rect"))
    shapes.append(
        Shape(
            kind,
            x,
            base_y - width * 0.35 - hero * 0.95,
            hero,
            _colour(palette, rng),
            angle=rng.uniform(0, 90),
            sides=rng.randint(3, 6),
            highlight=True,
        )
    )
    if rng.random() < 0.6:
        side = x + rng.choice((-1, 1)) * (width + 0.08)
        shapes.append(_random_shape(palette, rng, side, base_y + 0.05, rng.uniform(0.05, 0.09)))
    return shapes


def _scatter(palette: Palette, rng: random.Random) -> list[Shape]:
    count = rng.randint(5, 9)
    shapes = []
    for _ in range(count):
        x, y = rng.uniform(0.08, 0.92), rng.uniform(0.08, 0.85)
        shapes.append(_random_shape(palette, rng, x, y, rng.uniform(0.05, 0.2)))
    shapes.sort(key=lambda shape: -shape.size)
    return shapes


def _cards(palette: Palette, rng: random.Random) -> list[Shape]:
    count = rng.randint(3, 5)
    cx, cy = rng.uniform(0.35, 0.65), rng.uniform(0.4, 0.6)
    spin = rng.uniform(0, 360)
    shapes = []
    for i in range(count):
        angle = spin + i * rng.uniform(8, 25)
        x, y = cx + rng.uniform(-0.12, 0.12), cy + rng.uniform(-0.12, 0.12)
        shapes.append(
            Shape(
                "rect",
                x,
                y,
                rng.uniform(0.18, 0.3),
                _colour(palette, rng),
                aspect=rng.uniform(0.55, 0.8),
                angle=angle,
            )
        )
    shapes.append(
        Shape(
            "circle",
            cx + rng.uniform(-0.25, 0.25),
            cy + rng.uniform(0.1, 0.3),
            rng.uniform(0.05, 0.09),
            _colour(palette, rng),
            highlight=True,
        )
    )
    return shapes


def _orbit(palette: Palette, rng: random.Random) -> list[Shape]:
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.35, 0.6)
    radius = rng.uniform(0.25, 0.38)
    shapes = [Shape("ring", cx, cy, radius, _colour(palette, rng, (150, 220)), shadow=False)]
    start, count = rng.uniform(0, 2 * math.pi), rng.randint(3, 6)
    for i in range(count):
        theta = start + i * 2 * math.pi / count + rng.uniform(-0.3, 0.3)
        x, y = cx + radius * math.cos(theta), cy + radius * math.sin(theta)
        shapes.append(
            Shape("circle", x, y, rng.uniform(0.03, 0.1), _colour(palette, rng), highlight=True)
        )
    shapes.append(
        Shape("circle", cx, cy, rng.uniform(0.08, 0.16), _colour(palette, rng), highlight=True)
    )
    return shapes


def _bands(palette: Palette, rng: random.Random) -> list[Shape]:
    angle, count = rng.uniform(0, 180), rng.randint(2, 5)
    normal_x, normal_y = -math.sin(math.radians(angle)), math.cos(math.radians(angle))
    start, gap = rng.uniform(-0.35, 0.0), rng.uniform(0.1, 0.2)
    shapes = []
    for i in range(count):
        shift = start + i * gap
        shapes.append(
            Shape(
                "band",
                0.5 + shift * normal_x,
                0.5 + shift * normal_y,
                rng.uniform(0.03, 0.1),
                _colour(palette, rng, (110, 200)),
                angle=angle,
                shadow=False,
                backdrop=True,
            )
        )
    for _ in range(rng.randint(1, 3)):
        x, y = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.75)
        shapes.append(_random_shape(palette, rng, x, y, rng.uniform(0.07, 0.15)))
    return shapes


# --- drawing --------------------------------------------------------------------------


def _outline(shape: Shape, size: tuple[int, int]) -> list[Point]:
    width, height = size
    unit = min(width, height)
    cx, cy, radius = shape.x * width, shape.y * height, shape.size * unit
    if shape.kind == "band":
        return _rotated(cx, cy, 2 * (width + height), radius, 0.0, shape.angle)
    if shape.kind == "rect":
        return _rotated(cx, cy, radius * 2, radius * 2 * shape.aspect, radius * 0.25, shape.angle)
    if shape.kind == "polygon":
        return _regular(cx, cy, radius, shape.sides, shape.angle)
    return _regular(cx, cy, radius, 96, 0.0)


def _regular(cx: float, cy: float, radius: float, sides: int, angle: float) -> list[Point]:
    start = math.radians(angle)
    steps = [start + 2 * math.pi * i / sides for i in range(sides)]
    return [(cx + radius * math.cos(t), cy + radius * math.sin(t)) for t in steps]


def _rotated(cx: float, cy: float, w: float, h: float, corner: float, angle: float) -> list[Point]:
    corner = min(corner, w / 2, h / 2)
    points: list[Point] = []
    centres = (
        (w / 2 - corner, h / 2 - corner),
        (-w / 2 + corner, h / 2 - corner),
        (-w / 2 + corner, -h / 2 + corner),
        (w / 2 - corner, -h / 2 + corner),
    )
    for quadrant, (qx, qy) in enumerate(centres):
        for step in range(9 if corner else 1):
            t = math.pi / 2 * (quadrant + step / 8)
            points.append((qx + corner * math.cos(t), qy + corner * math.sin(t)))
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return [(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in points]


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
            points = [(x + dx, y + dy) for x, y in _outline(shape, mask.size)]
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
    points = _outline(shape, canvas.size)
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
        draw.polygon(_shifted(_outline(inner, canvas.size), box, scale), fill=0)
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
