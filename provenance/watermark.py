"""Invisible watermark carrying an Atelier asset id, so an image found in the wild can be traced
back to its asset after its metadata and C2PA manifest are gone: through JPEG and WebP,
resizing, crops, flips and quarter turns.

NumPy and Pillow only: OpenCV did the same few array operations here and was a third of the
container image.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import numpy as np
from PIL import Image

from provenance import watermark_code as code
from provenance import watermark_grid as grid
from provenance import watermark_search as search

# How it works (a tiled spread-spectrum mark with a sync template).
#
# Marking. The payload (8 bytes) and its CRC-32 are whitened and coded by a rate-1/2
# convolutional code into 204 bits (watermark_code.py). A tile of 32 x 32 chips carries them:
# 208 sync chips of fixed sign, and for each coded bit 4 scattered chips of +1/-1
# (watermark_grid.py). The tile is repeated over the whole image from its corner, on a grid
# of 112 to 160 chips to the shorter side (chips of about 7 pixels, a pixel at least),
# interpolated smoothly and added to R, G and B alike: a luminance change of STRENGTH grey
# levels RMS, like fine grain. Because the same tile is everywhere, a crop still holds whole
# periods of it; because its scale follows the image's, a resize leaves it where it was in
# chips; and large chips outlast shrinking, JPEG and WebP.
#
# Detection (watermark_search.py). The luminance is brought to 160 pixels on its shorter side
# and only its residual is kept: minus its blur and the few strong spectral lines of regular
# patterns, over its local RMS. The tile's period there depends on the crop and on the size
# it was marked at, so it is found from the residual's autocorrelation summed over the points
# of a square lattice (the repeated tile makes peaks there, whatever the offset, flip or
# quarter turn). At each candidate period the residual is cut into tiles and summed into one,
# which is correlated (FFT, every cyclic offset) with the sync chips in all 8 flips and
# quarter turns; the best peak, refined over fine steps of the period, gives the period and
# orientation. The full-size luminance is then resampled at 4 samples a chip, grouped into
# chips at the quarter-chip phase where they add up best, folded, turned upright and put in
# step by the sync chips; its data chips give a soft value per coded bit, and a Viterbi
# decoder the payload, which counts only if its CRC-32 checks.
#
# False positives. Unmarked images' best sync scores 3-5.8 (marked ones 7-16); detection
# decodes only syncs scoring at least MIN_SYNC_SCORE, at most DECODE_TRIES of them. A decode
# of anything but a mark yields an arbitrary 96-bit word, which passes the CRC-32 with
# probability 2**-32: an unmarked image reads as marked with probability below
# DECODE_TRIES * 2**-32 = 4.7e-10, before the score gate, which stops nearly all of them.

PAYLOAD_BYTES = code.PAYLOAD_BYTES
MIN_SIDE = 64  # smaller images are refused by embed and read as unmarked by detect

STRENGTH = 2.6  # RMS of the luminance change, in grey levels (PSNR about 39.8 dB)
MIN_SYNC_SCORE = 6.0
DECODE_TRIES = 2
BAND = 64  # image rows marked at a time
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R BT.601, as JPEG uses


def payload_for(asset_id: uuid.UUID) -> bytes:
    """The payload that identifies an asset: the first 8 bytes of its UUID."""
    return asset_id.bytes[:PAYLOAD_BYTES]


def embed(image: Image.Image, payload: bytes, spare: tuple[int, int, int] | None = None
          ) -> Image.Image:
    """A copy of an RGB or RGBA ``image`` carrying ``payload``; same size and mode, alpha kept."""
    if image.mode not in ("RGB", "RGBA"):
        raise ValueError(f"image mode must be RGB or RGBA, got {image.mode}")
    marked = image.copy()
    embed_in_place(marked, payload, spare)
    return marked


def embed_in_place(image: Image.Image, payload: bytes,
                   spare: tuple[int, int, int] | None = None) -> None:
    """Mark an RGB or RGBA ``image``'s own pixels (see `marked_bands`); alpha is kept."""
    if image.mode not in ("RGB", "RGBA"):
        raise ValueError(f"image mode must be RGB or RGBA, got {image.mode}")
    pixels = np.asarray(image)
    marked = np.empty_like(pixels)
    for top, band in marked_bands(pixels, payload, spare):
        marked[top:top + len(band)] = band
    image.frombytes(marked)


def marked_bands(pixels: np.ndarray, payload: bytes, spare: tuple[int, int, int] | None = None
                 ) -> Iterator[tuple[int, np.ndarray]]:
    """The rows of an RGB or RGBA image's ``pixels`` (height x width x 3 or 4, uint8; not
    changed) with ``payload``'s mark added, BAND rows at a time: (first row, band). Each band
    is the same buffer, overwritten by the next: use it before asking for the next (the PNG
    writer compresses it, provenance.png). No image-sized float plane is ever made, and no
    buffer is taken anew for each band (a worker's allocator gives buffers this size back to
    the system when freed, and each 4 KiB taken again is a page fault).

    The change is one luminance plane in float32, rounded to whole grey levels and added to
    R, G and B alike with saturation (the same pixels as rounding each channel's sum); alpha
    is kept. Pixels exactly the colour `spare` (when given) are left as they are: a packshot's
    background must stay exactly its marketplace's colour (docs/ecommerce.md); the product
    carries the mark."""
    if len(payload) != PAYLOAD_BYTES:
        raise ValueError(f"payload must be exactly {PAYLOAD_BYTES} bytes, got {len(payload)}")
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4) or pixels.dtype != np.uint8:
        raise ValueError(f"pixels must be RGB or RGBA bytes, got {pixels.dtype} {pixels.shape}")
    height, width, channels = pixels.shape
    if min(width, height) < MIN_SIDE:
        raise ValueError(f"image must be at least {MIN_SIDE}x{MIN_SIDE} pixels, got "
                         f"{(width, height)}")
    pattern = grid.Pattern(code.encode(payload), width, height)
    rows = min(BAND, height)
    change = np.empty((rows, width), dtype=np.float32)
    step = np.empty((rows, width, 1), dtype=np.int16)
    summed = np.empty((rows, width, 3), dtype=np.int16)
    band = np.empty((rows, width, channels), dtype=np.uint8)
    for top in range(0, height, BAND):
        bottom = min(top + BAND, height)
        count = bottom - top
        plane = pattern.band(top, bottom, out=change[:count])
        plane *= STRENGTH
        np.rint(plane, out=plane)
        np.copyto(step[:count, :, 0], plane, casting="unsafe")
        np.add(pixels[top:bottom, :, :3], step[:count], out=summed[:count])
        np.clip(summed[:count], 0, 255, out=summed[:count])
        np.copyto(band[:count, :, :3], summed[:count], casting="unsafe")
        if spare is not None:
            source = pixels[top:bottom, :, :3]
            kept = ((source[:, :, 0] == spare[0]) & (source[:, :, 1] == spare[1])
                    & (source[:, :, 2] == spare[2]))
            band[:count, :, :3][kept] = spare
        if channels == 4:
            band[:count, :, 3] = pixels[top:bottom, :, 3]
        yield top, band[:count]


def detect(image: Image.Image, *, geometry: bool = True) -> bytes | None:
    """The 8-byte payload of an Atelier watermark, or None when the image carries none.

    ``geometry=False`` switches the search for crops, flips, turns and resizes off (the tile
    is looked for as marked only): a baseline for benchmarks/watermark_robustness.py."""
    if min(image.size) < MIN_SIDE:
        return None
    rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))
    luma = rgb.astype(np.float32) @ _LUMA
    shrink = min(1.0, grid.WORK_SIDE / min(image.size))  # working pixels per image pixel
    detail = grid.residual(grid.working(luma))
    for sync in search.search(detail, min(image.size), DECODE_TRIES, geometry=geometry):
        if sync.score < MIN_SYNC_SCORE:
            break
        payload = code.decode(search.soft_bits(luma, shrink, sync))
        if payload is not None:
            return payload
    return None
