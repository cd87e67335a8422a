"""Pixel engine of the offline `local` provider: (prompt, seed, size) -> a deterministic studio
product shot (a lit subject on a surface, soft shadow, gradient backdrop, the prompt as a small
caption), so a merchant evaluating without AWS sees something that reads like the real thing.
A prompt for an empty set (providers/local_scene.py, EMPTY_WORDS) gets the backdrop alone.

Everything blurry is computed small and enlarged; only the subject is drawn at full size
(supersampled inside its own box), which keeps a 1024² render to a few tens of milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from providers.local_scene import RGB, Scene, mix, scene_for

MAX_SIDE = 4096
SOFT_SIDE = 96  # longest side of the backdrop and lighting maps (smooth: enlarged bilinearly)
MIN_CAPTION_SIDE = 128
CAPTION_CHARS = 40
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)

_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
# (role, kind, coordinates in the subject's unit box, argument). Roles are colours (`colours`
# below); kinds: poly, rect, ellipse, rrect (argument: corner radius as a fraction of the
# part's shorter side), ring (an outline; argument: its width as a fraction of the box width),
# arc (the ring's top half).
Part = tuple[str, str, tuple[float, ...], float]
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Drawn:
    """A drawn subject: its pixels, its coverage, and where its box's corner is."""

    lit: Image.Image
    cover: Image.Image
    at: tuple[int, int]

    def mask(self, size: tuple[int, int]) -> Image.Image:
        """Its coverage on a whole canvas of ``size``."""
        full = Image.new("L", size, 0)
        full.paste(self.cover, self.at)
        return full


@dataclass(frozen=True)
class Subject:
    aspect: float  # width / height
    parts: tuple[Part, ...]
    gloss: float = 0.3  # strength of the specular highlight
    round: float = 1.0  # how cylindrical the shading is (0: flat)


def _poly(role: str, *points: float) -> Part:
    return role, "poly", points, 0.0


SUBJECTS: dict[str, Subject] = {
    "bag": Subject(1.05, (
        ("trim", "ring", (0.24, 0.0, 0.76, 0.62), 0.05),
        _poly("body", 0.1, 0.3, 0.9, 0.3, 1.0, 1.0, 0.0, 1.0),
        _poly("accent", 0.1, 0.3, 0.9, 0.3, 0.87, 0.5, 0.5, 0.63, 0.13, 0.5),
        ("trim", "rrect", (0.45, 0.55, 0.55, 0.66), 0.3),
    ), gloss=0.25, round=0.7),
    "bottle": Subject(0.36, (
        ("trim", "rrect", (0.33, 0.0, 0.67, 0.13), 0.15),
        ("body", "rect", (0.37, 0.1, 0.63, 0.3), 0.0),
        ("body", "ellipse", (0.0, 0.2, 1.0, 0.5), 0.0),
        ("body", "rrect", (0.0, 0.34, 1.0, 1.0), 0.12),
        ("accent", "rect", (0.0, 0.56, 1.0, 0.82), 0.0),
    ), gloss=0.7),
    "perfume": Subject(0.8, (
        ("trim", "rrect", (0.3, 0.0, 0.7, 0.27), 0.2),
        ("trim", "rect", (0.41, 0.25, 0.59, 0.37), 0.0),
        ("body", "rrect", (0.0, 0.35, 1.0, 1.0), 0.14),
        ("lit", "rrect", (0.08, 0.42, 0.92, 0.93), 0.12),
        ("accent", "rrect", (0.27, 0.58, 0.73, 0.76), 0.05),
    ), gloss=0.8, round=0.6),
    "shoe": Subject(2.3, (
        _poly("body", 0.0, 0.8, 0.0, 0.35, 0.05, 0.18, 0.2, 0.16, 0.3, 0.24, 0.38, 0.04,
              0.46, 0.02, 0.5, 0.12, 0.72, 0.4, 0.9, 0.52, 0.99, 0.62, 1.0, 0.8),
        _poly("accent", 0.18, 0.72, 0.44, 0.3, 0.56, 0.38, 0.34, 0.74),
        _poly("lit", 0.47, 0.14, 0.7, 0.42, 0.65, 0.46, 0.43, 0.2),
        ("trim", "rrect", (0.0, 0.76, 1.0, 1.0), 0.35),
    ), gloss=0.3, round=0.5),
    "mug": Subject(1.15, (
        ("body", "ring", (0.55, 0.25, 1.0, 0.75), 0.07),
        ("body", "rrect", (0.0, 0.06, 0.78, 1.0), 0.08),
        ("shade", "ellipse", (0.0, 0.0, 0.78, 0.13), 0.0),
        ("accent", "rect", (0.0, 0.4, 0.78, 0.56), 0.0),
    ), gloss=0.45),
    "chair": Subject(0.8, (
        _poly("trim", 0.1, 0.6, 0.16, 0.6, 0.12, 1.0, 0.06, 1.0),
        _poly("trim", 0.84, 0.6, 0.9, 0.6, 0.94, 1.0, 0.88, 1.0),
        ("trim", "rect", (0.27, 0.6, 0.31, 0.9), 0.0),
        ("trim", "rect", (0.69, 0.6, 0.73, 0.9), 0.0),
        ("body", "rrect", (0.16, 0.0, 0.84, 0.5), 0.2),
        ("shade", "rrect", (0.04, 0.55, 0.96, 0.67), 0.3),
        ("body", "rrect", (0.04, 0.49, 0.96, 0.62), 0.3),
    ), gloss=0.15, round=0.6),
    "watch": Subject(0.55, (
        ("accent", "rrect", (0.22, 0.0, 0.78, 1.0), 0.2),
        ("trim", "ellipse", (0.0, 0.22, 1.0, 0.78), 0.0),
        ("body", "ellipse", (0.1, 0.275, 0.9, 0.725), 0.0),
        ("trim", "rect", (0.48, 0.33, 0.52, 0.51), 0.0),
        _poly("trim", 0.49, 0.49, 0.51, 0.51, 0.76, 0.58, 0.75, 0.6),
    ), gloss=0.6),
    "lamp": Subject(0.7, (
        ("trim", "rect", (0.47, 0.4, 0.53, 0.92), 0.0),
        ("trim", "ellipse", (0.2, 0.88, 0.8, 1.0), 0.0),
        _poly("body", 0.18, 0.0, 0.82, 0.0, 1.0, 0.42, 0.0, 0.42),
        _poly("lit", 0.3, 0.02, 0.7, 0.02, 0.74, 0.1, 0.26, 0.1),
    ), gloss=0.3),
    "vase": Subject(0.6, (
        _poly("body", 0.3, 0.0, 0.7, 0.0, 0.66, 0.12, 0.64, 0.22, 0.8, 0.34, 0.96, 0.5, 1.0,
              0.66, 0.94, 0.82, 0.8, 0.95, 0.65, 1.0, 0.35, 1.0, 0.2, 0.95, 0.06, 0.82, 0.0,
              0.66, 0.04, 0.5, 0.2, 0.34, 0.36, 0.22, 0.34, 0.12),
        ("shade", "ellipse", (0.3, 0.0, 0.7, 0.05), 0.0),
        ("accent", "rect", (0.03, 0.6, 0.97, 0.66), 0.0),
    ), gloss=0.55),
    "headphones": Subject(0.95, (
        ("body", "arc", (0.1, 0.0, 0.9, 1.0), 0.07),
        ("accent", "rrect", (0.0, 0.45, 0.27, 0.97), 0.4),
        ("accent", "rrect", (0.73, 0.45, 1.0, 0.97), 0.4),
        ("trim", "rrect", (0.19, 0.52, 0.31, 0.9), 0.4),
        ("trim", "rrect", (0.69, 0.52, 0.81, 0.9), 0.4),
    ), gloss=0.35, round=0.5),
    "phone": Subject(0.5, (
        ("trim", "rrect", (0.0, 0.0, 1.0, 1.0), 0.16),
        ("body", "rrect", (0.05, 0.03, 0.95, 0.97), 0.14),
        ("lit", "poly", (0.05, 0.5, 0.95, 0.25, 0.95, 0.55, 0.05, 0.8), 0.0),
        ("trim", "rrect", (0.38, 0.045, 0.62, 0.075), 0.5),
    ), gloss=0.7, round=0.3),
    "jar": Subject(1.0, (
        ("trim", "rrect", (0.04, 0.0, 0.96, 0.26), 0.25),
        ("body", "rrect", (0.0, 0.22, 1.0, 1.0), 0.12),
        ("accent", "rect", (0.0, 0.48, 1.0, 0.78), 0.0),
    ), gloss=0.45),
    "box": Subject(0.95, (
        _poly("body", 0.0, 0.22, 0.62, 0.3, 0.62, 1.0, 0.0, 0.9),
        _poly("shade", 0.62, 0.3, 1.0, 0.2, 1.0, 0.86, 0.62, 1.0),
        _poly("lit", 0.0, 0.22, 0.38, 0.12, 1.0, 0.2, 0.62, 0.3),
        _poly("accent", 0.26, 0.26, 0.36, 0.27, 0.36, 0.96, 0.26, 0.94),
    ), gloss=0.1, round=0.2),
    "podium": Subject(1.0, (
        ("body", "rect", (0.0, 0.1, 1.0, 0.9), 0.0),
        ("body", "ellipse", (0.0, 0.8, 1.0, 1.0), 0.0),
        ("lit", "ellipse", (0.0, 0.0, 1.0, 0.2), 0.0),
    ), gloss=0.1, round=0.8),
}


def render_image(prompt: str, seed: int, width: int, height: int) -> Image.Image:
    """Render a deterministic RGB product shot of exactly ``width`` x ``height`` pixels."""
    _validate(prompt, seed, width, height)
    scene = scene_for(prompt, seed)
    canvas = backdrop(scene, (width, height))
    if scene.subject is not None:  # else an empty set, as the prompt asks
        stage(canvas, scene, scene.subject, colours_of(scene))
    if min(width, height) >= MIN_CAPTION_SIDE:
        draw_caption(canvas, prompt, seed)
    return canvas


def colours_of(scene: Scene) -> dict[str, RGB]:
    return {"body": scene.body, "accent": scene.accent, "trim": scene.trim,
            "shade": mix(scene.body, BLACK, 0.35), "lit": mix(scene.body, WHITE, 0.3)}


def stage(canvas: Image.Image, scene: Scene, subject: str, colours: dict[str, RGB],
          box: Box | None = None) -> Drawn | None:
    """Stand ``subject`` on the scene's floor (or fit it in ``box``), with shadows."""
    width, height = canvas.size
    shape = SUBJECTS[subject]
    if box is None:
        floor_y = height * (scene.horizon + (1 - scene.horizon) * 0.55)
        tall = scene.scale * height / max(1.0, shape.aspect) ** 0.4
        tall = min(tall, 0.64 * width / shape.aspect)
        half = tall * shape.aspect / 2
        centre = min(max(scene.x * width, half + 0.06 * width), 0.94 * width - half)
        if scene.podium:
            floor_y = _podium(canvas, scene, centre, floor_y, tall * shape.aspect)
        wide = tall * shape.aspect
        box = (centre - wide / 2, floor_y - tall, centre + wide / 2, floor_y)
    else:
        box = fit_box(subject, box)
    _shadow(canvas, scene, box, cast=True)
    drawn = draw_subject(canvas, subject, box, colours, scene.light, mirror=scene.mirror)
    if drawn is not None and scene.glossy:
        _reflect(canvas, drawn)
    return drawn


def fit_box(subject: str, box: Box) -> Box:
    """The largest box of the subject's shape inside ``box``, standing on its bottom edge."""
    aspect = SUBJECTS[subject].aspect
    left, top, right, bottom = box
    wide = min(right - left, (bottom - top) * aspect)
    centre = (left + right) / 2
    return centre - wide / 2, bottom - wide / aspect, centre + wide / 2, bottom


def _podium(canvas: Image.Image, scene: Scene, centre: float, floor_y: float,
            subject_width: float) -> float:
    """A plinth under the product; returns where the product stands on it."""
    width, height = canvas.size
    wide = min(max(subject_width * 1.5, 0.26 * width), 0.8 * width)
    tall = min(0.17 * height, wide * 0.6)
    box = (centre - wide / 2, floor_y - tall, centre + wide / 2, floor_y)
    light_wall = sum(scene.wall) > 380
    body = mix(scene.wall, BLACK if light_wall else WHITE, 0.14)
    _shadow(canvas, scene, box, cast=True)
    draw_subject(canvas, "podium", box, {"body": body, "lit": mix(body, WHITE, 0.22)},
                 scene.light)
    return floor_y - tall * 0.9


# --- backdrop -------------------------------------------------------------------------


def backdrop(scene: Scene, size: tuple[int, int]) -> Image.Image:
    """Wall and floor meeting in a soft sweep, a pool of light behind the product, vignette."""
    small_w, small_h = _fit(*size, SOFT_SIDE)
    v = np.linspace(0.0, 1.0, small_h, dtype=np.float32)[:, None, None]
    u = np.linspace(0.0, 1.0, small_w, dtype=np.float32)[None, :, None]
    wall, floor = np.array(scene.wall, np.float32), np.array(scene.floor, np.float32)
    top = wall * 0.72
    low = wall * 0.95 + 255 * 0.05
    t = np.clip(v / scene.horizon, 0, 1)
    wall_rows = top + (low - top) * t
    s = np.clip((v - scene.horizon) / (1 - scene.horizon), 0, 1)
    floor_rows = floor * (1.0 - 0.22 * s) + 255 * 0.04 * (1 - s)
    sweep = np.clip((v - scene.horizon + 0.035) / 0.07, 0, 1)
    sweep = sweep * sweep * (3 - 2 * sweep)
    image = wall_rows * (1 - sweep) + floor_rows * sweep
    aspect = size[0] / size[1]
    glow = np.exp(-(((u - scene.x) * aspect) ** 2 + ((v - scene.horizon + 0.12) * 1.2) ** 2)
                  / 0.12)
    image = image * (1 + 0.22 * glow) + 18 * glow
    edge = ((u - 0.5) * 2) ** 2 + ((v - 0.5) * 2) ** 2
    image = image * (1 - 0.14 * edge)
    small = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8), "RGB")
    return small.resize(size, Image.Resampling.BILINEAR)


# --- subject --------------------------------------------------------------------------


def draw_subject(canvas: Image.Image, name: str, box: Box, colours: dict[str, RGB],
                 light: float, *, mirror: bool = False) -> Drawn | None:
    """Draw a lit, anti-aliased subject into ``box``; returns what was drawn where."""
    left, top = round(box[0]), round(box[1])
    width, height = round(box[2]) - left, round(box[3]) - top
    if width < 2 or height < 2:
        return None
    shape = SUBJECTS[name]
    scale = 4 if width * height <= 200_000 else 2
    big = (width * scale, height * scale)
    albedo = Image.new("RGB", big, colours["body"])
    cover = Image.new("L", big, 0)
    paint, mask = ImageDraw.Draw(albedo), ImageDraw.Draw(cover)
    for role, kind, coords, arg in shape.parts:
        colour = colours.get(role, colours["body"])
        for draw, fill in ((paint, colour), (mask, 255)):
            _part(draw, kind, coords, arg, big, fill)
    albedo, cover = albedo.reduce(scale), cover.reduce(scale)
    if mirror:
        albedo = albedo.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        cover = cover.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    lit = lit_by(albedo, light, shape.gloss, shape.round)
    canvas.paste(lit, (left, top), cover)
    return Drawn(lit, cover, (left, top))


def _part(draw: ImageDraw.ImageDraw, kind: str, coords: tuple[float, ...], arg: float,
          size: tuple[int, int], fill: RGB | int) -> None:
    width, height = size
    points = [(coords[i] * width, coords[i + 1] * height) for i in range(0, len(coords), 2)]
    if kind == "poly":
        draw.polygon(points, fill=fill)
        return
    (x0, y0), (x1, y1) = points
    if kind == "rect":
        draw.rectangle((x0, y0, x1, y1), fill=fill)
    elif kind == "ellipse":
        draw.ellipse((x0, y0, x1, y1), fill=fill)
    elif kind == "rrect":
        draw.rounded_rectangle((x0, y0, x1, y1), radius=arg * min(x1 - x0, y1 - y0), fill=fill)
    elif kind == "ring":
        draw.ellipse((x0, y0, x1, y1), outline=fill, width=max(1, round(arg * width)))
    else:  # arc: the ring's top half
        draw.arc((x0, y0, x1, y1), 180, 360, fill=fill, width=max(1, round(arg * width)))


def lit_by(albedo: Image.Image, light: float, gloss: float, roundness: float) -> Image.Image:
    """``albedo`` shaded (brightest towards the light, darker near the floor), with a
    specular band."""
    size = albedo.size
    small = (min(size[0], 64), min(size[1], 64))
    u = np.linspace(0.0, 1.0, small[0], dtype=np.float32)[None, :]
    v = np.linspace(0.0, 1.0, small[1], dtype=np.float32)[:, None]
    centre = 0.5 + 0.3 * light
    shade = 1.0 - roundness * 0.62 * np.clip(np.abs(u - centre) / 0.8, 0, 1) ** 1.6
    shade = shade * (1.0 - 0.2 * v ** 2) * (0.94 + 0.06 * (1 - v))
    band = np.exp(-(((u - (0.5 + 0.34 * light)) / 0.05) ** 2)) * (0.75 + 0.25 * (1 - v))
    spec = gloss * 0.75 * band
    shade_map, spec_map = (Image.fromarray(np.clip(m * 255, 0, 255).astype(np.uint8), "L")
                           .resize(size, Image.Resampling.BILINEAR) for m in (shade, spec))
    lit = ImageChops.multiply(albedo, Image.merge("RGB", (shade_map,) * 3))
    lit.paste(WHITE, mask=spec_map)
    return lit


def _shadow(canvas: Image.Image, scene: Scene, box: Box, *, cast: bool) -> None:
    """A tight contact shadow at the base and a soft one thrown away from the light."""
    factor = 4
    small = (max(1, canvas.width // factor), max(1, canvas.height // factor))
    left, top, right, bottom = (value / factor for value in box)
    wide, tall, centre = right - left, bottom - top, (left + right) / 2
    soft = Image.new("L", small, 0)
    if cast:
        shift = -scene.light * wide * 0.4
        ImageDraw.Draw(soft).ellipse((centre + shift - wide * 0.8, bottom - tall * 0.09,
                                      centre + shift + wide * 0.8, bottom + tall * 0.07),
                                     fill=120)
        soft = soft.filter(ImageFilter.GaussianBlur(max(0.5, tall * 0.06)))
    tight = Image.new("L", small, 0)
    ImageDraw.Draw(tight).ellipse((centre - wide * 0.48, bottom - tall * 0.03,
                                   centre + wide * 0.48, bottom + tall * 0.025), fill=190)
    tight = tight.filter(ImageFilter.GaussianBlur(max(0.4, tall * 0.018)))
    mask = ImageChops.lighter(soft, tight).resize(canvas.size, Image.Resampling.BILINEAR)
    bbox = mask.getbbox()
    if bbox:
        dark = Image.new("RGB", (bbox[2] - bbox[0], bbox[3] - bbox[1]),
                         mix(scene.floor, BLACK, 0.8))
        canvas.paste(dark, bbox[:2], mask.crop(bbox))


def _reflect(canvas: Image.Image, drawn: Drawn) -> None:
    """A faint mirror image on a glossy floor, fading with distance."""
    fade = Image.linear_gradient("L").resize(drawn.lit.size, Image.Resampling.BILINEAR)
    fade = fade.point(lambda value: max(0, 70 - value * 2 // 3))
    mask = ImageChops.multiply(drawn.cover.transpose(Image.Transpose.FLIP_TOP_BOTTOM), fade)
    left, top = drawn.at
    canvas.paste(drawn.lit.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
                 (left, top + drawn.lit.height), mask)


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
    scale = min(1.0, side / max(width, height))
    return max(2, round(width * scale)), max(2, round(height * scale))


# --- caption --------------------------------------------------------------------------


def draw_caption(image: Image.Image, prompt: str, seed: int) -> None:
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
