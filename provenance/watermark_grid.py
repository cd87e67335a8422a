"""The watermark's grid: the tile of chips it repeats over the image, the pattern embed adds,
and the planes detection works on (see the comment in provenance/watermark.py for the whole
scheme, and provenance/watermark_search.py for how detection finds the tile again)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from provenance import watermark_code as code

# Chips on the shorter side: WORK_SIDE, but fewer (down to MIN_CHIPS) where that keeps a chip
# CHIP_PIXELS wide (1024 pixels: 146 chips of 7; 640: 112 of 5.7), since larger chips outlast
# shrinking and WebP better, and more chips a busy image; one chip a pixel at least.
# Detection works at WORK_SIDE pixels to the shorter side.
WORK_SIDE, MIN_CHIPS, CHIP_PIXELS = 160, 112, 7.0
TILE = 32  # the tile is TILE x TILE chips, repeated over the whole image
SYNC_CHIPS = 208  # chips of each tile with a fixed, known sign: they locate the tile
SEED = 0x417E11E2  # fixed: the tile layout must be the same at detection
SHARPEN = 1.0  # Gaussian sigma (in chips) of the blur taken away to leave the residual
NORMALISE = 4.0  # sigma (in chips) of the local RMS the residual is divided by
NORMALISE_FLOOR = 1.0  # grey levels: flat areas' residuals are not blown up
# Regular patterns (stripes, checks, weaves, text lines) put their energy into a few spectral
# lines, which would drown the mark: in windows of LINE_BLOCK chips, a frequency stronger
# than this many times the window's median magnitude is cut down to it. Strictly while the
# tile is sought; only the strongest lines when the chips are read (the mark's own energy
# is spread thin over every frequency).
LINE_BLOCK = 32
LINES_SEARCH, LINES_READ = 2.0, 8.0

_RNG = np.random.default_rng(SEED)
_LAYOUT = _RNG.permutation(TILE * TILE)
SYNC_AT, DATA_AT = _LAYOUT[:SYNC_CHIPS], _LAYOUT[SYNC_CHIPS:]
BIT_AT = np.arange(len(DATA_AT)) % code.CODED_BITS  # 4 chips a tile for each coded bit
SPREAD = _RNG.choice([-1.0, 1.0], len(DATA_AT))  # each data chip's sign for a 1 bit
_SYNC_SIGN = _RNG.choice([-1.0, 1.0], SYNC_CHIPS)
# The eight flips and quarter turns of a tile: k quarter turns after an optional flip.
DIHEDRAL = tuple((turns, flip) for flip in (False, True) for turns in range(4))


def tile(bits: np.ndarray) -> np.ndarray:
    """The TILE x TILE chips (+1/-1) that carry the coded ``bits``."""
    chips = np.empty(TILE * TILE)
    chips[SYNC_AT] = _SYNC_SIGN
    chips[DATA_AT] = SPREAD * (2.0 * bits[BIT_AT] - 1.0)
    return chips.reshape(TILE, TILE)


def sync_spectra(oversample: int) -> np.ndarray:
    """The conjugate spectra of the sync chips (the data chips zero), ``oversample`` samples a
    chip, in each of the 8 orientations: what a folded tile is correlated with."""
    chips = np.zeros(TILE * TILE)
    chips[SYNC_AT] = _SYNC_SIGN
    sync = np.kron(chips.reshape(TILE, TILE), np.ones((oversample, oversample)))
    return np.stack([np.conj(np.fft.rfft2(orient(sync, g))) for g in range(len(DIHEDRAL))])


def orient(array: np.ndarray, g: int) -> np.ndarray:
    turns, flip = DIHEDRAL[g]
    return np.rot90(np.fliplr(array) if flip else array, turns)


def unorient(array: np.ndarray, g: int) -> np.ndarray:
    turns, flip = DIHEDRAL[g]
    array = np.rot90(array, -turns)
    return np.fliplr(array) if flip else array


# --- the pattern embed adds ----------------------------------------------------------------


class Pattern:
    """The tile repeated from the image's corner, chip_size() pixels a chip, interpolated
    smoothly to the image's size (bicubic, exactly as `resample` would), RMS 1; made a band
    of rows at a time, so that embedding never holds an image-sized float plane.

    Interpolation is separable: the rows of chips are interpolated across once (a plane of
    `down` rows, the image's width), and each image row is then a weighted sum of a few of
    those. The RMS is known before any image row is made, from the dot products of
    neighbouring interpolated rows of chips."""

    def __init__(self, bits: np.ndarray, width: int, height: int) -> None:
        chip = chip_size(min(width, height))
        across, down = int(np.ceil(width / chip)) + 2, int(np.ceil(height / chip)) + 2
        chips = np.tile(tile(bits), (down // TILE + 1, across // TILE + 1))[:down, :across]
        first_x, weights_x = _axis(across, width, chip)
        self._first, self._weights = _axis(down, height, chip)
        chips = chips.astype(np.float32)
        self._rows = np.zeros((down, width), dtype=np.float32)  # row-major: `band` takes rows
        term = np.empty_like(self._rows)
        for k in range(weights_x.shape[1]):
            np.take(chips, first_x + k, axis=1, out=term, mode="clip")  # "raise" buffers
            term *= weights_x[:, k]
            self._rows += term
        del term
        self._gain = np.float32(1.0 / np.sqrt(self._sum_of_squares() / (width * height)))
        self._scratch: np.ndarray | None = None

    def band(self, top: int, bottom: int, out: np.ndarray | None = None) -> np.ndarray:
        """Image rows ``top`` to ``bottom`` of the pattern (float32, the image's width), into
        ``out`` if given. Its scratch buffer is kept for the next band: a worker's allocator
        hands buffers this size back to the system when freed, and taking them again costs a
        page fault per 4 KiB (docs/benchmarks.md), so one Pattern is not for two threads."""
        first, weights = self._first[top:bottom], self._weights[top:bottom]
        rows = bottom - top
        if out is None:
            out = np.empty((rows, self._rows.shape[1]), dtype=np.float32)
        if self._scratch is None or self._scratch.shape[0] < rows:
            self._scratch = np.empty((rows, self._rows.shape[1]), dtype=np.float32)
        term = self._scratch[:rows]
        out.fill(0.0)
        for k in range(weights.shape[1]):
            np.take(self._rows, first + k, axis=0, out=term, mode="clip")  # "raise" buffers
            term *= weights[:, k, None]
            out += term
        out *= self._gain
        return out

    def _sum_of_squares(self) -> float:
        """The whole plane's sum of squares, without making the plane: image row r is
        sum_k w[r, k] R[f[r] + k] (R: the rows of chips interpolated across), so its squares
        sum to sum_{k, m} w[r, k] w[r, m] <R[f[r] + k], R[f[r] + m]>, a dot product of rows
        of R at most `taps` apart."""
        rows, taps = self._rows.astype(np.float64), self._weights.shape[1]
        dots = [np.einsum("ij,ij->i", rows[:len(rows) - d], rows[d:]) for d in range(taps)]
        total = 0.0
        for k in range(taps):
            for m in range(taps):
                low = self._first + min(k, m)
                total += float(np.sum(self._weights[:, k].astype(np.float64)
                                      * self._weights[:, m] * dots[abs(k - m)][low]))
        return total


@lru_cache(maxsize=64)
def _axis(inputs: int, outputs: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """How `resample` makes ``outputs`` samples from ``inputs`` on one axis (bicubic,
    ``scale`` outputs per input): for each output sample the first input it reads and the
    weights of that one and the next (a few: the kernel's support). Read from Pillow itself,
    by resampling the identity."""
    if scale <= 1.0:  # a chip a pixel: the chips themselves
        first, weights = np.arange(outputs), np.ones((outputs, 1), dtype=np.float32)
    else:
        identity = as_image(np.eye(inputs, dtype=np.float32))
        full = np.asarray(identity.resize((outputs, inputs), Image.Resampling.BICUBIC,
                                          box=(0.0, 0.0, outputs / scale, inputs)),
                          dtype=np.float32).T
        used = full != 0
        first = used.argmax(axis=1)
        last = inputs - 1 - used[:, ::-1].argmax(axis=1)
        taps = int(np.max(last - first)) + 1
        first = np.minimum(first, inputs - taps)
        weights = np.take_along_axis(full, first[:, None] + np.arange(taps), axis=1)
    first.setflags(write=False)  # shared by every thread marking an image of this size
    weights.setflags(write=False)
    return first, weights


def pattern(bits: np.ndarray, width: int, height: int) -> np.ndarray:
    """The whole pattern at once (see `Pattern`)."""
    return Pattern(bits, width, height).band(0, height)


def chip_size(shorter: int) -> float:
    """Image pixels per chip for an image whose shorter side is ``shorter`` pixels."""
    return max(1.0, shorter / min(WORK_SIDE, max(MIN_CHIPS, shorter / CHIP_PIXELS)))


# --- planes for detection ------------------------------------------------------------------


def resample(plane: np.ndarray, scale: float, size: tuple[int, int],
             method: Image.Resampling) -> np.ndarray:
    """``plane`` resampled to ``size`` at exactly ``scale`` output pixels per input pixel on
    both axes, whatever the rounding of the size (so a square grid stays square)."""
    box = (0.0, 0.0, size[0] / scale, size[1] / scale)
    return np.asarray(as_image(plane).resize(size, method, box=box), dtype=np.float32)


def working(luma: np.ndarray) -> np.ndarray:
    """The luminance at detection's working size: the shorter side shrunk to WORK_SIDE (an
    image already smaller is kept as it is)."""
    height, width = luma.shape
    scale = WORK_SIDE / min(width, height)
    if scale >= 1.0:
        return luma
    return resample(luma, scale, (int(width * scale), int(height * scale)),
                    Image.Resampling.BOX)


def residual(plane: np.ndarray, per_chip: int = 1, lines: float = LINES_SEARCH) -> np.ndarray:
    """What the image's own content does not predict (``per_chip`` pixels to a chip): the
    plane minus its blur and its strongest spectral ``lines``, over its local RMS so that busy
    areas weigh no more than flat ones, clipped."""
    detail = _without_lines(plane - blur(plane, SHARPEN * per_chip), LINE_BLOCK * per_chip,
                            lines)
    spread = np.sqrt(np.maximum(blur(detail * detail, NORMALISE * per_chip), 0.0))
    return np.clip(detail / (spread + NORMALISE_FLOOR), -4.0, 4.0).astype(np.float32)


def _without_lines(detail: np.ndarray, block: int, clip: float) -> np.ndarray:
    """``detail`` with, in each window of ``block`` pixels (half overlapping, sine-windowed on
    the way in and out so that they add up to the plane again), every frequency whose
    magnitude is over ``clip`` times the window's median cut down to that."""
    height, width = detail.shape
    hop = block // 2
    down, across = -(-height // hop) + 2, -(-width // hop) + 2  # window corners, then + 1
    padded = np.pad(detail, ((hop, down * hop - height - hop), (hop, across * hop - width - hop)),
                    mode="reflect")
    side = np.sin(np.pi * (np.arange(block) + 0.5) / block)
    window = np.outer(side, side).astype(np.float32)
    spectra = np.fft.rfft2(sliding_window_view(padded, (block, block))[::hop, ::hop] * window)
    magnitude = np.abs(spectra)
    limit = clip * np.median(magnitude, axis=(-2, -1), keepdims=True)
    spectra *= np.minimum(1.0, limit / np.maximum(magnitude, 1e-12))
    pieces = np.fft.irfft2(spectra, s=(block, block)) * window
    out = np.zeros_like(padded)
    for y in (0, 1):  # windows of one parity do not overlap: each set is laid down at once
        for x in (0, 1):
            part = pieces[y::2, x::2]
            rows, columns = part.shape[0] * block, part.shape[1] * block
            out[y * hop:y * hop + rows, x * hop:x * hop + columns] += (
                part.transpose(0, 2, 1, 3).reshape(rows, columns))
    return out[hop:hop + height, hop:hop + width]


def as_image(plane: np.ndarray) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(plane, dtype=np.float32), "F")


def blur(plane: np.ndarray, sigma: float) -> np.ndarray:
    """A Gaussian blur through the FFT, the plane mirrored at its edges first (to a size the
    FFT is quick at)."""
    pad = int(3 * sigma) + 1
    height, width = plane.shape
    padded = np.pad(plane, ((pad, fast_length(height + 2 * pad) - height - pad),
                            (pad, fast_length(width + 2 * pad) - width - pad)), mode="reflect")
    fy = np.fft.fftfreq(padded.shape[0])[:, None]
    fx = np.fft.rfftfreq(padded.shape[1])[None, :]
    gain = np.exp(-2.0 * (np.pi * sigma) ** 2 * (fx**2 + fy**2))
    blurred = np.fft.irfft2(np.fft.rfft2(padded) * gain, s=padded.shape)
    return blurred[pad:pad + height, pad:pad + width].astype(np.float32)


def fast_length(length: int) -> int:
    """The smallest length >= ``length`` with no prime factor above 5 (quick to FFT)."""
    while True:
        rest = length
        for prime in (2, 3, 5):
            while rest % prime == 0:
                rest //= prime
        if rest == 1:
            return length
        length += 1
