"""Packshots and shadows from a cut-out: pure Pillow and NumPy, no model, no database.

A marketplace's main image is a product centred on an exact background at a given fill, and a
cut-out is the only part of that which needs a model: trimming, scaling, centring, shadows
and export are deterministic pixel work, done here in the worker (generation.compositions for
packshots, the offline provider for the local-only `shadow` operation). Everything heavy runs
in Pillow's C code (resize, paste with a mask, blur); shadows are drawn at a quarter of the
canvas and enlarged, since they are soft. Pixels no product or shadow reaches are never
written, so the background stays exactly the preset's colour (docs/ecommerce.md).

Light angles are degrees clockwise from straight above (0: light from above, 90: from the
right, 270: from the left); a cast shadow falls the opposite way.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFilter

from catalog.presets import Preset

SHADOWS = ("none", "contact", "drop")
# What a preset's own `shadow` (catalog/presets.py) means for a packshot.
PRESET_SHADOWS = {"none": "none", "natural": "contact", "soft": "drop"}
ALPHA_FLOOR = 8  # cut-out alpha below this is background (a model's faint haze)
DEFAULT_FILL = 0.8  # a preset without a minimum fill
FILL_HEADROOM = 0.03  # above the preset's minimum, as the compliance re-pad aims
MAX_FILL = 0.95
SHADOW_SCALE = 4  # shadows are drawn this many times smaller than the canvas
SHADOW_FLOOR = 3  # shadow alpha below this is dropped: a blur's tail must not tint the
#                  background pixel by pixel
WHITE = (255, 255, 255)
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "gif": "GIF", "webp": "WEBP",
                  "bmp": "BMP"}


@dataclass(frozen=True)
class Shadow:
    """A contact shadow (dark, tight, at the base) and a cast shadow (the silhouette thrown
    away from the light). Fractions are of the product's longest side."""

    light_angle: float = 315.0
    softness: float = 0.5  # 0: a hard edge, 1: blurred over 8 % of the product's size
    opacity: float = 0.5  # of the cast shadow
    distance: float = 0.15  # how far the cast shadow falls
    contact: float = 0.6  # opacity of the contact shadow (0: none)


PACKSHOT_SHADOWS = {
    "none": None,
    "contact": Shadow(opacity=0.0, contact=0.55),
    "drop": Shadow(light_angle=315.0, softness=0.7, opacity=0.3, distance=0.04, contact=0.45),
}


def decoded(data: bytes) -> Image.Image:
    """The image in these bytes, read in full (its file closed)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _floor(value: int) -> int:
    return 0 if value < ALPHA_FLOOR else value


_ALPHA_LUT = [_floor(v) for v in range(256)]
_SHADOW_LUT = [0 if v < SHADOW_FLOOR else v for v in range(256)]


def cutout(image: Image.Image) -> Image.Image:
    """The cut-out in sRGB RGBA with its faint haze cleared (an image without transparency is
    all product)."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA"):
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" not in ImageCms.getProfileDescription(profile).lower():
            image = ImageCms.profileToProfile(image, profile, _srgb(),
                                              outputMode=image.mode) or image
    rgba = image.convert("RGBA")
    rgba.putalpha(rgba.getchannel("A").point(_ALPHA_LUT))
    return rgba


def trim(rgba: Image.Image) -> Image.Image:
    """The cut-out cropped to its product (ValueError when nothing is opaque)."""
    box = rgba.getchannel("A").getbbox()
    if box is None:
        raise ValueError("image: the cut-out is empty (no product found)")
    return rgba.crop(box)


def canvas_size(preset: Preset, product: tuple[int, int], fill: float) -> tuple[int, int]:
    """The preset's size when it has one (at its aspect), else a frame of its aspect (square
    without one) large enough for the product at `fill`, within the preset's side limits."""
    ratio = preset.ratio or 1.0
    if preset.size is not None and (preset.ratio is None or abs(
            preset.size[0] / preset.size[1] / ratio - 1) <= 0.01):
        return preset.size
    longest = max(product) / fill
    longest = max(longest, preset.min_longest_side or 0)
    if preset.max_longest_side is not None:
        longest = min(longest, preset.max_longest_side)
    width, height = (longest, longest / ratio) if ratio >= 1 else (longest * ratio, longest)
    if preset.min_shortest_side is not None and min(width, height) < preset.min_shortest_side:
        grow = preset.min_shortest_side / min(width, height)
        width, height = width * grow, height * grow
    return max(1, round(width)), max(1, round(height))


def target_fill(preset: Preset) -> float:
    if preset.min_fill is None:
        return DEFAULT_FILL
    return min(MAX_FILL, preset.min_fill + FILL_HEADROOM)


def shadow_mask(alpha: Image.Image, at: tuple[int, int], size: tuple[int, int],
                shadow: Shadow) -> Image.Image:
    """The shadow's alpha (L, `size`) for a product whose alpha is `alpha`, placed at `at`."""
    scale = SHADOW_SCALE
    small_size = (max(1, -(-size[0] // scale)), max(1, -(-size[1] // scale)))
    extent = max(alpha.size) / scale
    width, height = alpha.width / scale, alpha.height / scale
    left, top = at[0] / scale, at[1] / scale
    blur = 0.5 + shadow.softness * 0.08 * extent
    layers = []
    if shadow.opacity > 0:
        silhouette = alpha.resize((max(1, round(width)), max(1, round(height))),
                                  Image.Resampling.BOX)
        angle = math.radians(shadow.light_angle)
        shift_x = -math.sin(angle) * shadow.distance * extent
        shift_y = math.cos(angle) * shadow.distance * extent
        cast = Image.new("L", small_size, 0)
        cast.paste(silhouette, (round(left + shift_x), round(top + shift_y)))
        cast = cast.filter(ImageFilter.GaussianBlur(blur))
        layers.append(cast.point(lambda v, o=shadow.opacity: round(v * o)))
    if shadow.contact > 0:
        contact = Image.new("L", small_size, 0)
        base = top + height
        half = max(1.0, 0.04 * height)
        ImageDraw.Draw(contact).ellipse(
            (left + 0.08 * width, base - half, left + 0.92 * width, base + half),
            fill=round(255 * shadow.contact))
        layers.append(contact.filter(ImageFilter.GaussianBlur(0.5 + half * (
            0.6 + shadow.softness))))
    if not layers:
        return Image.new("L", size, 0)
    mask = layers[0]
    for layer in layers[1:]:  # 1 - (1 - a)(1 - b): two shadows darken where they overlap
        mask = ImageChops.screen(mask, layer)
    return mask.resize(size, Image.Resampling.BILINEAR).point(_SHADOW_LUT)


def packshot(image: Image.Image, preset: Preset, shadow: str = "none") -> Image.Image:
    """The product of a cut-out centred on the preset's canvas and background at its fill,
    with a `shadow` (SHADOWS), flattened to RGB."""
    product = trim(cutout(image))
    fill = target_fill(preset)
    width, height = canvas_size(preset, product.size, fill)
    scale = fill / max(product.width / width, product.height / height)
    size = (max(1, round(product.width * scale)), max(1, round(product.height * scale)))
    product = product.resize(size, Image.Resampling.LANCZOS)
    at = ((width - size[0]) // 2, (height - size[1]) // 2)
    colour = preset.background or WHITE
    canvas = Image.new("RGB", (width, height), colour)
    style = PACKSHOT_SHADOWS[shadow]
    alpha = product.getchannel("A")
    if style is not None:
        canvas.paste((0, 0, 0), (0, 0, width, height), shadow_mask(alpha, at, (width, height),
                                                                     style))
    canvas.paste(product.convert("RGB"), at, alpha)
    return canvas


def add_shadows(image: Image.Image, shadow: Shadow) -> Image.Image:
    """A cut-out (any image with alpha) with its shadows under it, same size, still RGBA:
    what is transparent stays so, except where a shadow falls."""
    rgba = cutout(image)
    alpha = rgba.getchannel("A")
    box = alpha.getbbox()
    if box is None:
        return rgba
    product = alpha.crop(box)
    layer = Image.new("RGBA", rgba.size, (0, 0, 0, 0))
    layer.putalpha(shadow_mask(product, box[:2], rgba.size, shadow))
    return Image.alpha_composite(layer, rgba)


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@cache
def srgb_icc() -> bytes:
    """An sRGB ICC profile to embed: says the colour space outright instead of by omission."""
    return _srgb().tobytes()


def export_format(preset: Preset) -> str:
    """The preset's first format: its marketplace's preferred one."""
    return preset.formats[0]


def encode(image: Image.Image, fmt: str) -> bytes:
    """`image` in `fmt`, sRGB profile embedded where the format carries one; lossless where the
    format allows, so an exact background stays exact (JPEG keeps flat areas exact)."""
    options: dict[str, object] = {}
    if fmt == "jpeg":
        image, options = image.convert("RGB"), {"quality": 95}
    elif fmt == "webp":
        options = {"lossless": True}
    elif fmt == "gif":
        image = image.convert("RGB").quantize(256)
    elif fmt == "bmp":
        image = image.convert("RGB")
    if fmt in ("jpeg", "png", "tiff", "webp"):
        options["icc_profile"] = srgb_icc()
    buffer = io.BytesIO()
    image.save(buffer, PILLOW_FORMATS[fmt], **options)
    return buffer.getvalue()
