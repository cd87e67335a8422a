"""Contact sheets: many generated images side by side in one PNG, for demos and the API.

Geometry, for ``n`` tiles in ``c`` columns and ``r = ceil(n / c)`` rows (``t`` = tile_size):
gap ``g = max(4, t // 16)``, caption strip ``k = max(14, t // 8)``,
title bar ``h = max(24, t // 5)``
(only when a title is given). Width ``c * t + (c + 1) * g``; height
``h + r * (t + k) + (r + 1) * g``. Tile ``i`` sits in row ``i // c``, column ``i % c``, its
image letter-boxed in the ``t`` x ``t`` square at
``(g + col * (t + g), h + g + row * (t + k + g))``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, ImageOps

MAX_COLUMNS = 8
MIN_TILE_SIZE, MAX_TILE_SIZE = 32, 1024
MAX_SHEET_PIXELS = 48_000_000  # refuse sheets that would need hundreds of MB of memory
MAX_TILE_PIXELS = 64_000_000  # larger images get the placeholder instead of being decoded
MAX_TEXT_CHARS = 300
UNREADABLE = "unreadable"

BACKGROUND = (238, 237, 234)
MATTE = (226, 225, 222)  # the letter-box behind each thumbnail
PLACEHOLDER = (176, 176, 176)
CAPTION_COLOUR = (70, 70, 70)
TITLE_BAR = (44, 44, 48)
TITLE_COLOUR = (245, 245, 245)

_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class SheetTile:
    """One cell of a contact sheet."""

    image: bytes  # encoded PNG/JPEG/WebP bytes of one image
    caption: str  # e.g. "seed 42 · local"


@dataclass(frozen=True)
class _Layout:
    columns: int
    rows: int
    tile: int
    gap: int
    caption: int
    title: int

    @property
    def size(self) -> tuple[int, int]:
        width = self.columns * self.tile + (self.columns + 1) * self.gap
        height = self.title + self.rows * (self.tile + self.caption) + (self.rows + 1) * self.gap
        return width, height

    def origin(self, index: int) -> tuple[int, int]:
        row, column = divmod(index, self.columns)
        x = self.gap + column * (self.tile + self.gap)
        y = self.title + self.gap + row * (self.tile + self.caption + self.gap)
        return x, y


def render_contact_sheet(
    tiles: Sequence[SheetTile],
    *,
    title: str = "",
    columns: int | None = None,
    tile_size: int = 256,
) -> bytes:
    """Render ``tiles`` as a grid with captions (and an optional title) and return PNG bytes."""
    layout = _layout(len(tiles), title, columns, tile_size)
    sheet = Image.new("RGB", layout.size, BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    if layout.title:
        _draw_title(sheet, draw, title, layout)
    font = _font(max(9, round(layout.caption * 0.6)))
    for index, tile in enumerate(tiles):
        x, y = layout.origin(index)
        thumbnail, caption = _thumbnail(tile, layout.tile)
        sheet.paste(thumbnail, (x, y))
        _draw_caption(draw, caption, font, (x, y + layout.tile), layout)
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    return buffer.getvalue()


def _layout(count: int, title: str, columns: int | None, tile_size: int) -> _Layout:
    if count == 0:
        raise ValueError("a contact sheet needs at least one tile")
    if not _is_int(tile_size) or not MIN_TILE_SIZE <= tile_size <= MAX_TILE_SIZE:
        raise ValueError(f"tile_size must be an int in {MIN_TILE_SIZE}..{MAX_TILE_SIZE}")
    if columns is None:
        columns = min(MAX_COLUMNS, math.ceil(math.sqrt(count)))
    elif not _is_int(columns) or columns < 1:
        raise ValueError(f"columns must be a positive int, got {columns!r}")
    columns = min(columns, count)
    layout = _Layout(
        columns=columns,
        rows=math.ceil(count / columns),
        tile=tile_size,
        gap=max(4, tile_size // 16),
        caption=max(14, tile_size // 8),
        title=max(24, tile_size // 5) if title.strip() else 0,
    )
    width, height = layout.size
    if width * height > MAX_SHEET_PIXELS:
        raise ValueError(f"contact sheet of {width}x{height} pixels is too large")
    return layout


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _thumbnail(tile: SheetTile, size: int) -> tuple[Image.Image, str]:
    """The tile's image letter-boxed into a ``size`` square, or a grey placeholder."""
    try:
        image = _decode(tile.image, size)
    except Exception:
        return Image.new("RGB", (size, size), PLACEHOLDER), UNREADABLE
    image = ImageOps.contain(image, (size, size), Image.Resampling.LANCZOS)
    square = Image.new("RGB", (size, size), MATTE)
    offset = ((size - image.width) // 2, (size - image.height) // 2)
    square.paste(image, offset, image)
    return square, tile.caption


def _decode(data: bytes, size: int) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        if image.width * image.height > MAX_TILE_PIXELS:
            raise ValueError("image too large for a thumbnail")
        image.draft("RGB", (size, size))  # JPEG: decode at a reduced scale when possible
        upright = ImageOps.exif_transpose(image)
        return upright.convert("RGBA")


def _draw_title(sheet: Image.Image, draw: ImageDraw.ImageDraw, title: str, layout: _Layout) -> None:
    draw.rectangle((0, 0, sheet.width, layout.title - 1), fill=TITLE_BAR)
    font = _font(max(10, round(layout.title * 0.45)))
    text = _fit(title, font, sheet.width - 2 * layout.gap)
    _draw_text(draw, text, font, (0, 0, sheet.width, layout.title), TITLE_COLOUR, layout.gap)


def _draw_caption(
    draw: ImageDraw.ImageDraw, caption: str, font: _Font, origin: tuple[int, int], layout: _Layout
) -> None:
    x, y = origin
    box = (x, y, x + layout.tile, y + layout.caption)
    _draw_text(draw, _fit(caption, font, layout.tile), font, box, CAPTION_COLOUR)


def _draw_text(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: _Font,
    box: tuple[int, int, int, int],
    fill: tuple[int, int, int],
    indent: int | None = None,
) -> None:
    """Draw ``text`` centred vertically in ``box``; centred horizontally unless ``indent``."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = box[0] + indent - left if indent is not None else (box[0] + box[2] - left - right) // 2
    y = (box[1] + box[3] - top - bottom) // 2
    draw.text((x, y), text, font=font, fill=fill)


def _fit(text: str, font: _Font, limit: int) -> str:
    """``text`` on one line, shortened with an ellipsis until it is at most ``limit`` px wide."""
    text = " ".join(text[:MAX_TEXT_CHARS].split())
    if font.getlength(text) <= limit:
        return text
    low, high = 0, len(text)  # the longest prefix that still fits together with the ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle].rstrip() + "\u2026") <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "\u2026" if low else ""


def _font(size: int) -> _Font:
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError):  # Pillow built without FreeType: fixed bitmap font
        return ImageFont.load_default()
