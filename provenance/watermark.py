"""Invisible watermark carrying an Atelier asset id, so an image found in the wild can be traced
back to its asset after its metadata and C2PA manifest are gone, through JPEG and resizing.

NumPy, PyWavelets and Pillow only: OpenCV did the same few array operations here and was a
third of the container image.
"""

from __future__ import annotations

import uuid

import numpy as np
import pywt
from PIL import Image

# How it works (the DWT-DCT-SVD family): the luminance is resized to a fixed working square, its
# one-level wavelet LL band cut into 4x4 blocks, and the largest singular value of each block
# quantised (dithered QIM) so that where it sits inside the step tells one bit. The classic 4x4
# DCT before the SVD is left out: an orthonormal transform leaves singular values unchanged and
# maps the rank-1 edit back to the very same pixels, so it would cost time and change nothing.
# 80 coded bits (64-bit payload and CRC-16), whitened, each ride on ~51 scattered blocks and are
# read back by soft voting. The change is computed at the working size, smoothed (no visible
# block edges), resized to the image's size and added to R, G and B alike (a pure luminance
# change); detection resizes to the same square, which is what lets the mark survive resizing.

PAYLOAD_BYTES = 8
MIN_SIDE = 64  # smaller images are refused by embed and read as unmarked by detect

WORK_SIDE = 512  # the luminance is marked at this square size, whatever the image's size
WAVELET = "sym4"  # smoother than Haar: the edit has no hard edges, and it reads back better
BLOCK = 4  # side of the LL-band blocks whose largest singular value carries a bit
STEP = 30.0  # quantisation step of that singular value: larger is more robust, more visible
SMOOTH = 2.5  # Gaussian sigma (working-size pixels) that blurs the edit's block edges away
PASSES = 2  # a second pass tops up what the smoothing spilt out of each block
CRC_BITS = 16
CODE_BITS = PAYLOAD_BYTES * 8 + CRC_BITS
SEED = 0x417E11E2  # fixed: the block-to-bit map, whitening and dither must match at detection
# Mean |soft vote| (0..1) below which an image reads as unmarked: unmarked images score ~0.08
# (the dither makes their votes random), marked ones ~0.9, and >= 0.5 even after JPEG q75.
MIN_CONFIDENCE = 0.25

_BLOCKS = (WORK_SIDE // 2 // BLOCK) ** 2
_RNG = np.random.default_rng(SEED)
_BIT_OF_BLOCK = _RNG.permutation(_BLOCKS) % CODE_BITS  # which coded bit each block carries
_BLOCKS_OF_BIT = np.bincount(_BIT_OF_BLOCK, minlength=CODE_BITS)  # 51 or 52 each
_WHITENING = _RNG.integers(0, 2, CODE_BITS, dtype=np.uint8)  # so coded bits look random
_DITHER = _RNG.random(_BLOCKS)  # per-block offset of the quantiser, in steps
_LUMA = np.array([[0.299, 0.587, 0.114]], dtype=np.float32)  # ITU-R BT.601, as JPEG uses


def payload_for(asset_id: uuid.UUID) -> bytes:
    """The payload that identifies an asset: the first 8 bytes of its UUID."""
    return asset_id.bytes[:PAYLOAD_BYTES]


def embed(image: Image.Image, payload: bytes) -> Image.Image:
    """A copy of an RGB or RGBA ``image`` carrying ``payload``; same size and mode, alpha kept."""
    if len(payload) != PAYLOAD_BYTES:
        raise ValueError(f"payload must be exactly {PAYLOAD_BYTES} bytes, got {len(payload)}")
    if image.mode not in ("RGB", "RGBA"):
        raise ValueError(f"image mode must be RGB or RGBA, got {image.mode}")
    if min(image.size) < MIN_SIDE:
        raise ValueError(f"image must be at least {MIN_SIDE}x{MIN_SIDE} pixels, got {image.size}")
    pixels = np.array(image)
    luma = _resize(_luma(pixels), WORK_SIDE, WORK_SIDE)
    change = _resize(_change(luma, _encode(payload)), *image.size)
    # The same change on R, G and B, rounded and saturated; alpha kept.
    marked = np.rint(pixels[..., :3] + change[..., None])
    pixels[..., :3] = np.clip(marked, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, image.mode)


def detect(image: Image.Image) -> bytes | None:
    """The 8-byte payload of an Atelier watermark, or None when the image carries none."""
    if min(image.size) < MIN_SIDE:
        return None
    rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))
    phase = _phases(_resize(_luma(rgb), WORK_SIDE, WORK_SIDE))
    for drift in (0.0, _drift(phase)):  # as marked, then undoing a brightness offset
        payload = _read(_votes(phase, drift))
        if payload is not None:
            return payload
    return None


def _read(votes: np.ndarray) -> bytes | None:
    """The payload the votes spell, if they are confident and pass the CRC; the bits are also
    tried inverted, which is what a drift of half a step (see _drift) does to them."""
    if float(np.mean(np.abs(votes))) < MIN_CONFIDENCE:
        return None
    bits = (votes > 0).astype(np.uint8)
    payload = _decode(bits)
    return payload if payload is not None else _decode(1 - bits)


# --- coding: payload <-> whitened bits with a CRC ------------------------------------------


def _encode(payload: bytes) -> np.ndarray:
    data = payload + _crc16(payload).to_bytes(2, "big")
    return np.unpackbits(np.frombuffer(data, dtype=np.uint8)) ^ _WHITENING


def _decode(bits: np.ndarray) -> bytes | None:
    data = np.packbits(bits ^ _WHITENING).tobytes()
    payload, crc = data[:PAYLOAD_BYTES], int.from_bytes(data[PAYLOAD_BYTES:], "big")
    return payload if _crc16(payload) == crc else None


def _crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): a nonzero init, so zeros don't check."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


# --- the transform domain: LL band blocks and their largest singular value ----------------


def _change(luma: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """The luminance change (at the working size) that writes ``bits``: a smoothed edit,
    topped up by a second pass since the smoothing spills part of each block's edit."""
    change = np.zeros_like(luma)
    for _ in range(PASSES):
        edit = _edit(luma + change, bits)
        change += _gaussian_blur(edit, SMOOTH) if SMOOTH else edit
    return change


def _edit(luma: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """The change that moves each block's largest singular value to the level its bit asks for."""
    low, _ = pywt.dwt2(luma, WAVELET, mode="periodization")
    u, s, vt = np.linalg.svd(_blocks(low))
    largest = s[:, 0]
    flat = largest < 1e-3  # an all-zero (black) block: its singular vectors are arbitrary,
    u[flat, :, 0] = vt[flat, 0, :] = 1 / BLOCK**0.5  # so change it evenly instead
    rank1 = u[:, :, :1] * vt[:, :1, :]  # u0 v0^T of every block
    low_edit = _unblocks((_quantised(largest, bits) - largest)[:, None, None] * rank1)
    return pywt.idwt2((low_edit, (None, None, None)), WAVELET, mode="periodization")


def _quantised(largest: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """The nearest value to each block's ``largest`` whose phase (in steps, after the block's
    dither) is 0.25 for a 0 bit or 0.75 for a 1 bit: never more than half a step away."""
    target = _DITHER + 0.25 + 0.5 * bits[_BIT_OF_BLOCK]
    wanted = largest + STEP * ((target - largest / STEP + 0.5) % 1.0 - 0.5)
    return np.where(wanted < 0, wanted + STEP, wanted)  # a singular value stays >= 0


def _phases(luma: np.ndarray) -> np.ndarray:
    """Where each block's largest singular value sits inside its (dithered) step, 0..1: a 0 bit
    was written at 0.25, a 1 bit at 0.75."""
    low, _ = pywt.dwt2(luma, WAVELET, mode="periodization")
    largest = np.linalg.svd(_blocks(low), compute_uv=False)[:, 0]
    return (largest / STEP - _DITHER) % 1.0


def _votes(phase: np.ndarray, drift: float) -> np.ndarray:
    """Per coded bit, the mean over its blocks of a soft vote in -1..1 (+1: surely a 1)."""
    votes = -np.sin(2 * np.pi * (phase - drift))
    return np.bincount(_BIT_OF_BLOCK, votes, CODE_BITS) / _BLOCKS_OF_BIT


def _drift(phase: np.ndarray) -> float:
    """The shift (-0.25..0.25 steps) common to all blocks' phases: a brightness offset of the
    whole image (a colour conversion, a levels tweak) moves every largest singular value alike,
    ~8 per grey level. Doubled phases lose the bits (0.5 and 1.5 are both 0.5 turn), so their
    mean direction gives it, modulo half a step."""
    return float(np.angle(-np.mean(np.exp(4j * np.pi * phase))) / (4 * np.pi))


def _blocks(band: np.ndarray) -> np.ndarray:
    n = band.shape[0] // BLOCK
    return band.reshape(n, BLOCK, n, BLOCK).swapaxes(1, 2).reshape(n * n, BLOCK, BLOCK)


def _unblocks(blocks: np.ndarray) -> np.ndarray:
    n = round(len(blocks) ** 0.5)
    return blocks.reshape(n, n, BLOCK, BLOCK).swapaxes(1, 2).reshape(n * BLOCK, n * BLOCK)


def _luma(pixels: np.ndarray) -> np.ndarray:
    """Float luminance of an 8-bit RGB or RGBA array."""
    return (pixels[..., :3].astype(np.float32) @ _LUMA[0]).astype(np.float32)


def _gaussian_blur(plane: np.ndarray, sigma: float) -> np.ndarray:
    """A separable Gaussian blur with mirrored edges (reflect-101), taps out to 4 sigma."""
    radius = int(4 * sigma + 0.5)
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps = (taps / taps.sum()).astype(np.float32)
    for axis in (0, 1):
        padded = np.pad(plane, [(radius, radius) if a == axis else (0, 0) for a in (0, 1)],
                        mode="reflect")
        length = plane.shape[axis]
        plane = sum(weight * np.take(padded, np.arange(i, i + length), axis=axis)
                    for i, weight in enumerate(taps))
    return plane.astype(np.float32)


def _resize(plane: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize a float plane axis by axis: averaging where it shrinks, interpolating where it
    grows (one filter for both would alias or blur a non-square image's other axis)."""
    image = Image.fromarray(np.ascontiguousarray(plane, dtype=np.float32), "F")
    if image.width != width:
        image = image.resize((width, image.height), _filter(image.width, width))
    if image.height != height:
        image = image.resize((width, height), _filter(image.height, height))
    return np.asarray(image, dtype=np.float32)


def _filter(old: int, new: int) -> Image.Resampling:
    return Image.Resampling.BOX if new < old else Image.Resampling.BICUBIC
