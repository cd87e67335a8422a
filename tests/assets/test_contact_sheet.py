"""Contact sheets: grid geometry, tile placement, captions and bad input."""

import io

import pytest
from PIL import Image

from assets.contact_sheet import SheetTile, render_contact_sheet
from tests.helpers import png_bytes

TILE = (40, 40)  # the size of each tile's image, before the sheet scales it
COLOURS = [(i * 15, 255 - i * 15, (i * 97) % 256) for i in range(16)]


def _open(data):
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def test_sixteen_tiles_in_four_columns_make_a_four_by_four_grid():
    tiles = [SheetTile(png_bytes(TILE, colour), f"tile {i}") for i, colour in enumerate(COLOURS)]
    sheet = _open(render_contact_sheet(tiles, columns=4, tile_size=128))
    gap, caption = 128 // 16, 128 // 8
    assert sheet.size == (4 * 128 + 5 * gap, 4 * (128 + caption) + 5 * gap)
    for index, colour in enumerate(COLOURS):  # tile i sits at row i // 4, column i % 4
        row, column = divmod(index, 4)
        centre = (gap + column * (128 + gap) + 64, gap + row * (128 + caption + gap) + 64)
        assert sheet.getpixel(centre) == colour


def test_title_adds_a_bar_above_the_grid():
    tiles = [SheetTile(png_bytes(TILE, colour), "") for colour in COLOURS[:4]]
    plain = _open(render_contact_sheet(tiles, tile_size=128))
    titled = _open(render_contact_sheet(tiles, title="Batch 7", tile_size=128))
    assert titled.width == plain.width
    assert titled.height == plain.height + max(24, 128 // 5)


def test_default_columns_are_the_ceiling_of_the_square_root_capped_at_eight():
    def width(count):
        tiles = [SheetTile(png_bytes(TILE, (0, 0, 0)), "")] * count
        return _open(render_contact_sheet(tiles, tile_size=64)).width

    columns_wide = {columns: columns * 64 + (columns + 1) * 4 for columns in range(1, 9)}
    assert width(1) == columns_wide[1]
    assert width(5) == columns_wide[3]
    assert width(16) == columns_wide[4]
    assert width(100) == columns_wide[8]


def test_more_columns_than_tiles_do_not_leave_empty_columns():
    tiles = [SheetTile(png_bytes(TILE, (0, 0, 0)), "")] * 2
    sheet = _open(render_contact_sheet(tiles, columns=6, tile_size=64))
    assert sheet.width == 2 * 64 + 3 * 4


def test_aspect_ratio_is_preserved_by_letter_boxing():
    wide = SheetTile(png_bytes((200, 50), (255, 0, 0)), "wide")
    sheet = _open(render_contact_sheet([wide], tile_size=128))
    gap = 128 // 16
    assert sheet.getpixel((gap + 64, gap + 64)) == (255, 0, 0)  # image in the middle
    assert sheet.getpixel((gap + 64, gap + 4)) != (255, 0, 0)  # matte above it


def test_unicode_and_very_long_captions_do_not_crash():
    captions = ["seed 42 · local", "猫と犬 🎨 مرحبا", "x" * 5000, "line\nbreak\ttab", "", "\x00"]
    tiles = [SheetTile(png_bytes(TILE, (10, 20, 30)), caption) for caption in captions]
    sheet = _open(render_contact_sheet(tiles, title="Ünïcode — 标题 🎨 " * 30, tile_size=96))
    assert sheet.size[0] > 0


def test_any_pillow_readable_format_and_mode_is_accepted():
    tiles = [
        SheetTile(png_bytes(TILE, (0, 128, 255), fmt="JPEG"), "jpeg"),
        SheetTile(png_bytes(TILE, (0, 128, 255, 100), fmt="WEBP", mode="RGBA"), "webp"),
        SheetTile(png_bytes(TILE, 3, fmt="GIF", mode="P"), "gif"),
        SheetTile(png_bytes(TILE, 30000, fmt="PNG", mode="I;16"), "16-bit"),
    ]
    assert _open(render_contact_sheet(tiles, tile_size=64)).size == (2 * 64 + 3 * 4, 2 * 78 + 3 * 4)


def test_undecodable_tile_becomes_a_grey_placeholder_instead_of_failing_the_sheet():
    good = png_bytes(TILE, (255, 0, 0))
    tiles = [
        SheetTile(good, "fine"),
        SheetTile(b"definitely not an image", "broken"),
        SheetTile(good[: len(good) // 2], "truncated"),
        SheetTile(b"", "empty"),
    ]
    sheet = _open(render_contact_sheet(tiles, columns=4, tile_size=64))
    centres = [(4 + column * 68 + 32, 4 + 32) for column in range(4)]
    assert sheet.getpixel(centres[0]) == (255, 0, 0)
    grey = sheet.getpixel(centres[1])
    assert grey[0] == grey[1] == grey[2]
    assert sheet.getpixel(centres[2]) == grey
    assert sheet.getpixel(centres[3]) == grey


def test_same_tiles_render_identical_bytes():
    tiles = [SheetTile(png_bytes(TILE, colour), f"seed {i} · local")
             for i, colour in enumerate(COLOURS)]
    assert render_contact_sheet(tiles, title="t") == render_contact_sheet(tiles, title="t")


def test_empty_tile_list_raises_value_error():
    with pytest.raises(ValueError):
        render_contact_sheet([])


@pytest.mark.parametrize(("columns", "tile_size"), [(0, 64), (-1, 64), (2, 8), (2, 5000)])
def test_invalid_columns_or_tile_size_raise_value_error(columns, tile_size):
    tiles = [SheetTile(png_bytes(TILE, (0, 0, 0)), "")]
    with pytest.raises(ValueError):
        render_contact_sheet(tiles, columns=columns, tile_size=tile_size)
