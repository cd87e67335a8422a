"""Does an image meet a marketplace preset (catalog.presets), and if not, how to make it so.

The most common reason a marketplace suppresses a listing is a main image whose background is
not exactly the required colour, or whose product is too small in the frame: both are measured
here the way a marketplace's robot would, on the pixels, not on how the image looks.

`check(data, preset)` answers pass or fail per rule with the measured value and the limit, and
names the fix that makes the rule pass where there is one; `apply_fix(data, preset, name)`
returns new image bytes. Pure NumPy and Pillow (no models, no database), and fast: the
connected regions are found on a grid of at most GRID cells a side, and only the counts that
must be exact (background purity, the product's box) are taken at full resolution.

How it measures:

- background: the region connected to the frame's border whose colour is within
  BACKGROUND_TOLERANCE of the required one; the share of its pixels *exactly* that colour,
  leaving out a band of EDGE_BAND px next to the product (anti-aliasing and JPEG ringing);
- fill: the product (the largest connected non-background region) as its bounding box's share
  of the frame on the longer axis, max(box width / width, box height / height), as Amazon
  measures "fills 85 % of the frame";
- text: sharp edges (text, logos, stamps, borders) in the background outside the product's
  box, as a share of that area; soft shadows and compression noise have no sharp edges;
- color_space: an embedded ICC profile that is not sRGB, or CMYK, fails; none means sRGB;
- alpha: a transparency channel that is used (any pixel not fully opaque).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageCms, UnidentifiedImageError

from catalog.presets import FIX_NAMES, Preset

BACKGROUND_TOLERANCE = 24  # per channel: this close to the background colour is background
EDGE_BAND = 16  # px next to the product left out of the purity count
MIN_PURITY = 0.99  # share of the measured background exactly the required colour
ASPECT_TOLERANCE = 0.01  # relative
GRID = 256  # cells on the longest side of the grid the regions are found on
EDGE_STRENGTH = 48  # a step in distance-from-background this sharp is an edge
MAX_MARK_EDGES = 0.0005  # share of the area outside the product's box
BOX_MARGIN = 0.02  # of the longest side: the product's box grown by this for the text rule
FILL_HEADROOM = 0.03  # re-pad aims this far above the preset's minimum fill
WHITE = (255, 255, 255)

FORMAT_NAMES = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "TIFF": "tiff", "GIF": "gif",
                "WEBP": "webp", "BMP": "bmp"}
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "gif": "GIF", "webp": "WEBP",
                  "bmp": "BMP"}

Box = tuple[int, int, int, int]  # left, top, right, bottom (right and bottom excluded)


class UnreadableImage(ValueError):
    """The bytes are not an image Pillow can read."""


RULES = ("format", "longest_side", "shortest_side", "aspect", "color_space", "alpha",
         "background", "fill", "text")


@dataclass(frozen=True)
class RuleResult:
    rule: str  # one of RULES
    passed: bool
    measured: float | int | str
    limit: str  # for people: the preset's limit and how it is compared
    fix: str | None  # the fix that makes it pass (a key of FIXES)

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "passed": self.passed, "measured": self.measured,
                "limit": self.limit, "fix": None if self.passed else self.fix}


@dataclass(frozen=True)
class Report:
    preset: str
    rules: tuple[RuleResult, ...]

    @property
    def passed(self) -> bool:
        return all(rule.passed for rule in self.rules)

    def rule(self, name: str) -> RuleResult:
        return next(rule for rule in self.rules if rule.rule == name)

    @property
    def failed(self) -> list[str]:
        return [rule.rule for rule in self.rules if not rule.passed]

    def as_dict(self) -> dict[str, Any]:
        return {"preset": self.preset, "passed": self.passed,
                "rules": [rule.as_dict() for rule in self.rules]}

    def as_record(self) -> dict[str, Any]:
        """As an asset keeps it (Asset.compliance): the answer with the failed rules' names."""
        return {**self.as_dict(), "failed": self.failed}


@dataclass(frozen=True)
class Decoded:
    image: Image.Image  # loaded, in its own mode
    format: str  # jpeg, png, ... or Pillow's name in lower case
    icc: bytes | None


@dataclass(frozen=True)
class Geometry:
    background: tuple[int, int, int]  # the colour measured against
    purity: float  # share of the measured background exactly `background`
    product: Box | None  # None: nothing but background
    fill: float
    mark_edges: float  # sharp-edge share outside the product's box
    region: np.ndarray  # grid cells of the border-connected background (bool)
    block: int  # px per grid cell


# --- decoding --------------------------------------------------------------------------------

def decode(data: bytes) -> Decoded:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UnreadableImage(f"image: not an image that can be read ({exc})") from exc
    name = image.format or ""
    return Decoded(image, FORMAT_NAMES.get(name, name.lower()), image.info.get("icc_profile"))


def color_space(decoded: Decoded) -> str:
    """`sRGB`, `CMYK`, or the embedded profile's description (none embedded: sRGB)."""
    if decoded.image.mode == "CMYK":
        return "CMYK"
    if not decoded.icc:
        return "sRGB"
    try:
        description = ImageCms.getProfileDescription(
            ImageCms.ImageCmsProfile(io.BytesIO(decoded.icc))).strip()
    except (OSError, ImageCms.PyCMSError):
        return "unreadable ICC profile"
    return "sRGB" if "srgb" in description.lower() else (description or "unnamed ICC profile")


def alpha_share(image: Image.Image) -> float:
    """The share of pixels not fully opaque (0 when there is no alpha channel)."""
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        return 0.0
    alpha = image.convert("RGBA").getchannel("A")
    if alpha.getextrema()[0] == 255:
        return 0.0
    return float(np.count_nonzero(np.asarray(alpha) < 255)) / (image.width * image.height)


def flattened(image: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """The image in RGB, any transparency composited over `colour`."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (*colour, 255))
        return Image.alpha_composite(canvas, rgba).convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")


# --- regions on the grid ---------------------------------------------------------------------

def _spread(labels: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Label each 4-connected region of `mask` with its smallest starting label: the smallest
    label of each row run, then of each column run, until nothing changes (a few passes for
    the shapes of product photos)."""
    labels = labels.copy()
    while True:
        before = labels.copy()
        for view_labels, view_mask in ((labels, mask), (labels.T, mask.T)):
            flat_mask = np.ascontiguousarray(view_mask).ravel()
            index = np.flatnonzero(flat_mask)
            if index.size == 0:
                return labels
            width = view_mask.shape[1]
            starts = np.ones(index.size, bool)
            starts[1:] = (np.diff(index) != 1) | (index[1:] % width == 0)
            first = np.flatnonzero(starts)
            values = np.ascontiguousarray(view_labels).ravel()[index]
            lowest = np.minimum.reduceat(values, first)
            counts = np.diff(np.append(first, index.size))
            spread = np.ascontiguousarray(view_labels).ravel()
            spread[index] = np.repeat(lowest, counts)
            view_labels[...] = spread.reshape(view_labels.shape)
        if np.array_equal(before, labels):
            return labels


def _border_connected(mask: np.ndarray) -> np.ndarray:
    """The cells of `mask` connected to the grid's border."""
    rows, cols = mask.shape
    none = rows * cols
    labels = np.where(mask, np.arange(none).reshape(mask.shape), none)
    labels = _spread(labels, mask)
    edge = np.zeros_like(mask)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    seeds = np.unique(labels[edge & mask])
    return mask & np.isin(labels, seeds)


def _largest_region(mask: np.ndarray) -> np.ndarray | None:
    if not mask.any():
        return None
    none = mask.size
    labels = _spread(np.where(mask, np.arange(none).reshape(mask.shape), none), mask)
    counts = np.bincount(labels[mask])
    return mask & (labels == int(np.argmax(counts)))


def _dilate(mask: np.ndarray, steps: int) -> np.ndarray:
    grown = mask.copy()
    for _ in range(steps):
        step = grown.copy()
        step[1:, :] |= grown[:-1, :]
        step[:-1, :] |= grown[1:, :]
        step[:, 1:] |= grown[:, :-1]
        step[:, :-1] |= grown[:, 1:]
        grown = step
    return grown


def distance(rgb: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """Per pixel, the largest channel difference from `colour` (an "L" image)."""
    difference = ImageChops.difference(rgb, Image.new("RGB", rgb.size, colour))
    red, green, blue = difference.split()
    return ImageChops.lighter(ImageChops.lighter(red, green), blue)


_FAR = [0] * (BACKGROUND_TOLERANCE + 1) + [255] * (255 - BACKGROUND_TOLERANCE)
_EXACT = [255] + [0] * 255


def border_colour(rgb: Image.Image) -> tuple[int, int, int]:
    """The median colour of the frame's outermost pixels: the background's, for a preset
    that does not require one."""
    pixels = np.asarray(rgb)
    ring = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    red, green, blue = (int(v) for v in np.median(ring, axis=0))
    return red, green, blue


def geometry(rgb: Image.Image, colour: tuple[int, int, int]) -> Geometry:
    """Background region, purity, product box and fill, and marks, of an RGB image measured
    against the background `colour`."""
    width, height = rgb.size
    dist = distance(rgb, colour)
    far = dist.point(_FAR)  # 255 where not background-like
    block = max(1, -(-max(width, height) // GRID))
    # Pillow's reduce averages each block (the last ones over the pixels they have): a cell
    # is background-like when its average of `far` is 0, i.e. every pixel is.
    near_cells = np.asarray(far.reduce(block)) == 0
    region = _border_connected(near_cells)
    product_cells = _largest_region(~region)

    product: Box | None = None
    if product_cells is not None:
        rows, cols = np.flatnonzero(product_cells.any(axis=1)), np.flatnonzero(
            product_cells.any(axis=0))
        left, top = int(cols[0]) * block, int(rows[0]) * block
        inside = far.crop((left, top, min(width, (int(cols[-1]) + 1) * block),
                           min(height, (int(rows[-1]) + 1) * block))).getbbox()
        if inside is not None:
            product = (left + inside[0], top + inside[1], left + inside[2], top + inside[3])
    fill = 0.0 if product is None else max((product[2] - product[0]) / width,
                                           (product[3] - product[1]) / height)

    # Purity: background cells away from anything else, exact pixels among their pixels.
    pixels = np.asarray(dist)
    measured = region & ~_dilate(~region, -(-EDGE_BAND // block))
    if measured.any():
        sizes = np.outer(_sizes(height, block), _sizes(width, block))
        exact = np.asarray(dist.point(_EXACT).convert("F").reduce(block)) / 255.0
        purity = float((exact * sizes)[measured].sum()) / float(sizes[measured].sum())
    else:  # no background to speak of: the frame's outermost pixels
        ring = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
        purity = float(np.count_nonzero(ring == 0)) / ring.size

    return Geometry(colour, min(1.0, purity), product, fill, _mark_edges(pixels, product),
                    region, block)


def _sizes(length: int, block: int) -> np.ndarray:
    cells = -(-length // block)
    sizes = np.full(cells, block)
    sizes[-1] = length - block * (cells - 1)
    return sizes


def _mark_edges(dist: np.ndarray, product: Box | None) -> float:
    """Sharp edges outside the product's box (grown by BOX_MARGIN), as a share of that area."""
    height, width = dist.shape
    signal = dist.astype(np.int16)
    edges = np.zeros(dist.shape, bool)
    edges[:, 1:] |= np.abs(np.diff(signal, axis=1)) >= EDGE_STRENGTH
    edges[1:, :] |= np.abs(np.diff(signal, axis=0)) >= EDGE_STRENGTH
    outside = width * height
    if product is not None:
        margin = int(BOX_MARGIN * max(width, height)) + 1
        left, top = max(0, product[0] - margin), max(0, product[1] - margin)
        right, bottom = min(width, product[2] + margin), min(height, product[3] + margin)
        edges[top:bottom, left:right] = False
        outside -= (right - left) * (bottom - top)
    return float(np.count_nonzero(edges)) / outside if outside > 0 else 0.0


# --- the check -------------------------------------------------------------------------------

def check(data: bytes, preset: Preset) -> Report:
    """Every rule of `preset` against the image `data`: pass or fail, measured, limit, fix."""
    decoded = decode(data)
    image = decoded.image
    width, height = image.size
    longest, shortest = max(width, height), min(width, height)
    rules: list[RuleResult] = [
        RuleResult("format", decoded.format in preset.formats, decoded.format,
                   ", ".join(preset.formats), "convert")]
    low, high = preset.min_longest_side, preset.max_longest_side
    if low is not None or high is not None:
        limit = " and ".join(part for part in (low and f">= {low} px", high and f"<= {high} px")
                             if part)
        rules.append(RuleResult("longest_side", (low is None or longest >= low) and (
            high is None or longest <= high), longest, limit, "resize"))
    if preset.min_shortest_side is not None:
        rules.append(RuleResult("shortest_side", shortest >= preset.min_shortest_side,
                                shortest, f">= {preset.min_shortest_side} px", "resize"))
    if preset.ratio is not None:
        ratio = width / height
        rules.append(RuleResult("aspect", abs(ratio / preset.ratio - 1) <= ASPECT_TOLERANCE,
                                round(ratio, 4), f"{preset.aspect} (width:height, within "
                                                 f"{ASPECT_TOLERANCE:.0%})", "re-pad"))
    space = color_space(decoded)
    if preset.color_space == "srgb":
        rules.append(RuleResult("color_space", space == "sRGB", space, "sRGB", "convert"))
    transparent = alpha_share(image)
    rules.append(RuleResult("alpha", preset.alpha or transparent == 0, round(transparent, 4),
                            "allowed" if preset.alpha else "none (fully opaque)", "flatten"))
    if preset.background is not None or preset.min_fill is not None or not preset.text:
        rgb = flattened(image, preset.background or WHITE)
        found = geometry(rgb, preset.background or border_colour(rgb))
        if preset.background is not None:
            rules.append(RuleResult(
                "background", found.purity >= MIN_PURITY, round(found.purity, 4),
                f"{preset.background_hex} exactly, on >= {MIN_PURITY} of the background",
                "re-pad"))
        if preset.min_fill is not None:
            rules.append(RuleResult("fill", found.fill >= preset.min_fill,
                                    round(found.fill, 4), f">= {preset.min_fill}", "re-pad"))
        if not preset.text:
            rules.append(RuleResult(
                "text", found.mark_edges <= MAX_MARK_EDGES, round(found.mark_edges, 5),
                f"<= {MAX_MARK_EDGES} (sharp-edge share of the background outside the "
                "product)", "re-pad"))
    return Report(preset.key, tuple(rules))


# --- the fixes -------------------------------------------------------------------------------

def output_format(decoded: Decoded, preset: Preset) -> str:
    """The source's format when the preset allows it, else the preset's first."""
    return decoded.format if decoded.format in preset.formats else preset.formats[0]


def encode(image: Image.Image, fmt: str, *, icc: bytes | None = None) -> bytes:
    """`image` as `fmt` (jpeg, png, ...), lossless where the format allows (WebP too), so
    an exact background stays exact."""
    options: dict[str, Any] = {}
    if fmt == "jpeg":
        image = image.convert("RGB")
        options = {"quality": 95}
    elif fmt == "webp":
        options = {"lossless": True}
    elif fmt == "gif":
        image = image.convert("RGB").quantize(256)
    elif fmt == "bmp" and image.mode not in ("RGB", "L", "P"):
        image = image.convert("RGB")
    if icc and fmt in ("jpeg", "png", "tiff", "webp"):
        options["icc_profile"] = icc
    buffer = io.BytesIO()
    image.save(buffer, PILLOW_FORMATS[fmt], **options)
    return buffer.getvalue()


def _srgb_icc(decoded: Decoded) -> bytes | None:
    """The embedded profile, kept only when it is sRGB (anything else has been converted)."""
    return decoded.icc if decoded.icc and color_space(decoded) == "sRGB" else None


def convert(data: bytes, preset: Preset) -> bytes:
    """To sRGB (through the embedded profile when there is one) and to an allowed format;
    transparency the preset does not allow is composited over its background."""
    decoded = decode(data)
    image = decoded.image
    if alpha_share(image) > 0 and not preset.alpha:
        image = flattened(image, preset.background or WHITE)
    mode = "RGBA" if alpha_share(image) > 0 else "RGB"
    if decoded.icc and color_space(decoded) != "sRGB" and image.mode in ("RGB", "RGBA",
                                                                          "CMYK"):
        source = ImageCms.ImageCmsProfile(io.BytesIO(decoded.icc))
        try:
            converted = ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"),
                outputMode="RGB" if image.mode == "CMYK" else mode)
        except ImageCms.PyCMSError:  # a profile lcms cannot use: the plain conversion
            converted = None
        image = converted if converted is not None else image
    return encode(image if image.mode == mode else image.convert(mode),
                  output_format(decoded, preset))


def flatten(data: bytes, preset: Preset) -> bytes:
    """Transparency composited over the preset's background (white when it has none)."""
    decoded = decode(data)
    rgb = flattened(decoded.image, preset.background or WHITE)
    return encode(rgb, output_format(decoded, preset), icc=_srgb_icc(decoded))


def _target_side(preset: Preset, longest: int) -> int:
    if preset.size is not None:
        target = max(preset.size)
    else:
        target = max(longest, preset.min_longest_side or 1)
    if preset.min_longest_side is not None:
        target = max(target, preset.min_longest_side)
    if preset.max_longest_side is not None:
        target = min(target, preset.max_longest_side)
    return target


def resize(data: bytes, preset: Preset) -> bytes:
    """Scaled, aspect kept, to the preset's size (its longest side), within its limits."""
    decoded = decode(data)
    image = decoded.image
    width, height = image.size
    scale = _target_side(preset, max(width, height)) / max(width, height)
    if preset.min_shortest_side is not None:
        scale = max(scale, preset.min_shortest_side / min(width, height))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if alpha_share(image) > 0 else "RGB")
    return encode(image.resize(size, Image.Resampling.LANCZOS), output_format(decoded, preset),
                  icc=_srgb_icc(decoded))


def _canvas(preset: Preset, width: int, height: int) -> tuple[int, int]:
    ratio = preset.ratio if preset.ratio is not None else width / height
    if preset.size is not None and (preset.ratio is None or abs(
            preset.size[0] / preset.size[1] / ratio - 1) <= ASPECT_TOLERANCE):
        return preset.size
    longest = _target_side(preset, max(width, height))
    size = (longest, max(1, round(longest / ratio))) if ratio >= 1 else (
        max(1, round(longest * ratio)), longest)
    if preset.min_shortest_side is not None and min(size) < preset.min_shortest_side:
        grow = preset.min_shortest_side / min(size)
        size = (round(size[0] * grow), round(size[1] * grow))
    return size


def repad(data: bytes, preset: Preset) -> bytes:
    """The product recomposed on a clean canvas: the background made exactly the preset's
    colour, the product cropped to its box (marks outside it are left behind), scaled to fill
    the frame a little above the preset's minimum, centred, at the preset's aspect and size."""
    decoded = decode(data)
    colour = preset.background
    rgb = flattened(decoded.image, colour or WHITE)
    found = geometry(rgb, colour or border_colour(rgb))
    colour = colour or found.background
    if found.product is None:
        raise UnreadableImage("image: no product found to re-pad (the image is all "
                              "background)")
    # Background pixels (the region and the cells just beside it) become exactly the colour.
    cells = _dilate(found.region, 1)
    near = np.repeat(np.repeat(cells, found.block, axis=0), found.block, axis=1)[
        :rgb.height, :rgb.width] & (np.asarray(distance(rgb, colour)) <= BACKGROUND_TOLERANCE)
    pixels = np.array(rgb)
    pixels[near] = colour
    product = Image.fromarray(pixels).crop(found.product)

    width, height = _canvas(preset, *rgb.size)
    fill = min(0.95, max(found.fill, (preset.min_fill or 0) + FILL_HEADROOM))
    scale = fill / max(product.width / width, product.height / height)
    size = (max(1, round(product.width * scale)), max(1, round(product.height * scale)))
    canvas = Image.new("RGB", (width, height), colour)
    canvas.paste(product.resize(size, Image.Resampling.LANCZOS),
                 ((width - size[0]) // 2, (height - size[1]) // 2))
    return encode(canvas, output_format(decoded, preset), icc=_srgb_icc(decoded))


FIXES: dict[str, Callable[[bytes, Preset], bytes]] = dict(zip(
    FIX_NAMES, (convert, flatten, repad, resize), strict=True))


def apply_fix(data: bytes, preset: Preset, name: str) -> bytes:
    """New image bytes with the fix `name` applied (one of FIXES)."""
    if name not in FIXES:
        raise ValueError(f"fix: one of {', '.join(FIXES)} (got {name!r})")
    return FIXES[name](data, preset)


def fix_all(data: bytes, preset: Preset) -> bytes:
    """Every fix the check names, in the order that keeps earlier ones intact (format and
    colour space, then transparency, then composition, then size)."""
    for name in FIXES:
        report = check(data, preset)
        if any(rule.fix == name and not rule.passed for rule in report.rules):
            data = apply_fix(data, preset, name)
    return data
