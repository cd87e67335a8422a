"""What the offline renderer draws: a palette read from the prompt's colour and mood words,
and a composition of shapes in one of a few layouts (providers/local_render.py draws them)."""

from __future__ import annotations

import colorsys
import hashlib
import math
import random
import re
from dataclasses import dataclass

RGB = tuple[int, int, int]


RGBA = tuple[int, int, int, int]


Point = tuple[float, float]


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


def seeded_rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).digest()
    return random.Random(int.from_bytes(digest, "big"))


def palette_for(prompt: str) -> Palette:
    rng = seeded_rng("palette", prompt)
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


def compose(palette: Palette, rng: random.Random) -> list[Shape]:
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


def outline(shape: Shape, size: tuple[int, int]) -> list[Point]:
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
