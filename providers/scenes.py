"""Product scenes: a cut-out stood on a generated background, with a shadow from the scene's
light and its edge band tinted towards what surrounds it. Pure Pillow, deterministic.

The product's interior pixels are the cut-out's own: they are pasted, never filtered (a resize
changes them only when the scale asks for another size). Harmonisation touches only the
pixels within a band of the product's edge, blending them towards the background's local
colour and light, so a cut-out does not look pasted on. Everything soft is computed small
(shadows at a quarter size, the local colour at a sixteenth) and only inside the product's box.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PIL import Image, ImageFilter, ImageOps

from providers.compositing import Shadow, cutout, shadow_mask, trim

MARGIN = 0.03  # of the frame: the product keeps this far from every edge
MAX_WIDTH = 0.9  # of the frame's width: a wide product is scaled down to fit
BAND = 0.012  # the edge band's width, of the product's longer side (at least MIN_BAND px)
MIN_BAND = 2
MAX_TINT = 0.45  # how far the band's outer pixels move towards the local colour at harmonize 1
LOCAL_SCALE = 16  # the local colour is the background blurred at 1/16 of its size
# A scene's shadows; the light angle is the scene's.
SCENE_SHADOWS: dict[str, Shadow | None] = {
    "none": None,
    "contact": Shadow(opacity=0.0, softness=0.5, contact=0.6),
    "drop": Shadow(softness=0.7, opacity=0.32, distance=0.09, contact=0.55),
}


@dataclass(frozen=True)
class Stand:
    """Where and how big the product stands: its centre at `x` and its base on `ground`
    (fractions of the frame), its height `scale` of the frame's."""

    x: float = 0.5
    ground: float = 0.84
    scale: float = 0.6


def alpha_range(image: Image.Image) -> tuple[int, int]:
    """The lowest and highest alpha of a cut-out after its haze is cleared ((255, 255) for an
    image without transparency): what says whether it is a cut-out, and not empty."""
    extrema = cutout(image).getchannel("A").getextrema()
    assert isinstance(extrema[0], int) and isinstance(extrema[1], int)  # one band: (low, high)
    return extrema[0], extrema[1]


def scene_shadow(style: str, light_angle: float) -> Shadow | None:
    found = SCENE_SHADOWS[style]
    return None if found is None else replace(found, light_angle=light_angle)


def placed_box(product: tuple[int, int], frame: tuple[int, int], stand: Stand
               ) -> tuple[int, int, int, int]:
    """(left, top, width, height) of the product in the frame: `scale` of the frame's height
    (less, for a product too wide to fit), centred on `x`, standing on `ground`, kept inside
    the margins."""
    width, height = frame
    factor = min(stand.scale * height / product[1], MAX_WIDTH * width / product[0])
    size = (max(1, round(product[0] * factor)), max(1, round(product[1] * factor)))
    margin_x, margin_y = round(MARGIN * width), round(MARGIN * height)
    left = round(stand.x * width - size[0] / 2)
    left = max(min(left, width - margin_x - size[0]), min(margin_x, width - size[0]))
    top = round(stand.ground * height) - size[1]
    top = max(min(top, height - margin_y - size[1]), min(margin_y, height - size[1]))
    return left, top, size[0], size[1]


def edge_weights(alpha: Image.Image, harmonize: float) -> Image.Image:
    """How far each product pixel moves towards the local colour (L, 0..255): most at the
    edge, nothing deeper than the band, nothing at all at harmonize 0."""
    band = max(MIN_BAND, round(BAND * max(alpha.size)))
    # Padded with transparency: a trimmed product touches its box, beyond which is background.
    solid = ImageOps.expand(alpha.point(lambda v: 255 if v == 255 else 0), band, 0)
    inside = solid.filter(ImageFilter.BoxBlur(band)).crop(  # 255 only a whole band deep
        (band, band, band + alpha.width, band + alpha.height))
    strength = 2 * MAX_TINT * harmonize
    return inside.point(lambda v: 0 if v == 255 else min(255, round((255 - v) * strength)))


def compose(background: Image.Image, cut: Image.Image, stand: Stand,
            shadow: Shadow | None = None, harmonize: float = 0.0) -> Image.Image:
    """The cut-out's product stood on `background` (RGB, the background's size): scaled and
    placed by `stand`, its `shadow` under it, its edge band harmonised. ValueError when the
    cut-out holds no product."""
    canvas = background.convert("RGB")
    product = trim(cutout(cut))
    left, top, width, height = placed_box(product.size, canvas.size, stand)
    if (width, height) != product.size:
        product = product.resize((width, height), Image.Resampling.LANCZOS)
    alpha = product.getchannel("A")
    rgb = product.convert("RGB")
    if harmonize > 0:
        box = (left, top, left + width, top + height)
        rgb = Image.composite(_local_colour(canvas, box), rgb, edge_weights(alpha, harmonize))
    if shadow is not None:
        mask = shadow_mask(alpha, (left, top), canvas.size, shadow)
        area = mask.getbbox()
        if area is not None:
            canvas.paste((0, 0, 0), area, mask.crop(area))
    canvas.paste(rgb, (left, top), alpha)
    return canvas


def _local_colour(canvas: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """The background's colour and light around each pixel of `box`: the canvas blurred
    small and enlarged (before the shadow darkens it)."""
    small = canvas.reduce(LOCAL_SCALE) if min(canvas.size) >= 4 * LOCAL_SCALE else canvas
    factor = canvas.width / small.width, canvas.height / small.height
    blurred = small.filter(ImageFilter.GaussianBlur(2))
    region = (box[0] / factor[0], box[1] / factor[1], box[2] / factor[0], box[3] / factor[1])
    return blurred.resize((box[2] - box[0], box[3] - box[1]), Image.Resampling.BILINEAR,
                          box=region)
