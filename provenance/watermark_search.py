"""How detection finds the watermark's tile in an image that was cropped, flipped, turned or
resized since it was marked, and reads its chips (the scheme: provenance/watermark.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from provenance import watermark_code as code
from provenance import watermark_grid as grid
from provenance.watermark_grid import TILE

# The tile's period, in working pixels: from TILE (WORK_SIDE chips on the shorter side) to
# 1.43 x TILE (MIN_CHIPS) as marked; a crop of up to 20 % of the shorter side makes it up to
# 1.25 times that (1.35: some room beyond), and an image shrunk below the working size shorter.
MIN_PERIOD, MAX_PERIOD = 0.6 * TILE, 1.35 * TILE * grid.WORK_SIDE / grid.MIN_CHIPS
PERIOD_STEP = 0.04  # working pixels between the periods the autocorrelation is scored at
PERIOD_CANDIDATES = 5  # its best peaks, each then checked against the sync chips
PROMISING = 5.0  # sync score worth refining (unmarked images score 3-5.8, marked ones 7-16)
PERIOD_STEPS = np.linspace(-0.003, 0.003, 7)  # refinement; the autocorrelation is within 0.2 %
OVERSAMPLE = 2  # samples a chip when folding, so a tile offset by half a chip still shows
PHASES = 4  # samples a chip when reading: every quarter-chip phase is tried
# Lattice vectors (in periods) at which the residual's autocorrelation is summed.
_LATTICE = np.array([(i, j) for j in range(4) for i in range(-3, 4)
                     if (j > 0 or i > 0) and abs(i) + abs(j) <= 4], dtype=np.float64)
_SYNC_FOLDED = grid.sync_spectra(OVERSAMPLE)
_SYNC_CHIPS = grid.sync_spectra(1)


@dataclass(frozen=True)
class Sync:
    """Where the tile is: its period (working pixels) and orientation (an index into
    grid.DIHEDRAL), and how sure that is (the correlation peak over the correlation's
    spread)."""

    score: float
    period: float
    orientation: int


def search(detail: np.ndarray, shorter: int, tries: int, *, geometry: bool = True
           ) -> list[Sync]:
    """The best syncs (at most ``tries``) in a residual at the working size, best first: each
    candidate period from the autocorrelation is checked once against the sync chips in all
    8 orientations, and those whose peak stands out (PROMISING) are refined. ``shorter``, the
    image's shorter side in its own pixels, gives the period the tile was marked at, if the
    image was neither cropped nor resized. Without ``geometry``, only that period is looked
    at, upright: the tile as marked."""
    plane = grid.as_image(detail)
    turns = len(grid.DIHEDRAL) if geometry else 1
    marked = TILE * grid.chip_size(shorter) * min(1.0, grid.WORK_SIDE / shorter)
    candidates = periods(detail, marked) if geometry else [marked]
    first = sorted(((_score(plane, period, turns)[0], period) for period in candidates),
                   reverse=True)
    found = [_refine(plane, period, turns) for score, period in first[:tries]
             if score >= PROMISING]
    return sorted(found, key=lambda sync: sync.score, reverse=True)


def periods(detail: np.ndarray, marked: float) -> list[float]:
    """Candidate tile periods: where the residual's autocorrelation, summed over the points of
    a square lattice, peaks; and ``marked``, the period if the image was neither cropped nor
    resized."""
    height, width = detail.shape
    shape = (grid.fast_length(height + int(4 * MAX_PERIOD)),
             grid.fast_length(width + int(4 * MAX_PERIOD)))
    auto = np.fft.irfft2(np.abs(np.fft.rfft2(detail - detail.mean(), s=shape)) ** 2, s=shape)
    auto -= _box_mean(auto, 3)  # peaks only, not the slow trends of the image's own texture
    lengths = np.arange(MIN_PERIOD, MAX_PERIOD, PERIOD_STEP)
    xs, ys = np.multiply.outer(lengths, _LATTICE[:, 0]), np.multiply.outer(lengths, _LATTICE[:, 1])
    inside = (np.abs(xs) < 0.75 * width) & (np.abs(ys) < 0.75 * height)
    score = np.sum(_bilinear(auto, ys, xs) * inside, axis=1)
    found: list[float] = []
    for index in np.argsort(score)[::-1]:
        if all(abs(lengths[index] - other) >= 1.0 for other in found):
            found.append(float(lengths[index]))
            if len(found) == PERIOD_CANDIDATES:
                break
    return found + [marked] * all(abs(other - marked) >= 0.05 for other in found)


def _refine(plane: Image.Image, period: float, turns: int) -> Sync:
    """The sync at the best of the periods ``period * (1 + step)``, refined between the steps
    (a parabola through the best score and its neighbours)."""
    scores = [_score(plane, period * (1.0 + step), turns)[0] for step in PERIOD_STEPS]
    best = int(np.argmax(scores))
    step = float(PERIOD_STEPS[best])
    if 0 < best < len(PERIOD_STEPS) - 1:
        step += _vertex(*scores[best - 1:best + 2]) * float(PERIOD_STEPS[1] - PERIOD_STEPS[0])
    score, orientation = _score(plane, period * (1.0 + step), turns)
    return Sync(max(score, scores[best]), period * (1.0 + step), orientation)


def _score(plane: Image.Image, period: float, turns: int) -> tuple[float, int]:
    """How well the residual, folded at ``period``, correlates with the sync chips at the best
    offset (in units of the correlation's spread), and in which orientation."""
    folded = _fold(plane, period)
    corr = np.fft.irfft2(np.fft.rfft2(folded)[None] * _SYNC_FOLDED[:turns], s=folded.shape)
    g, y, x = np.unravel_index(int(np.argmax(corr)), corr.shape)
    return float(corr[g, y, x] / (corr.std() + 1e-12)), int(g)


def _fold(plane: Image.Image, period: float) -> np.ndarray:
    """The residual cut into tiles of ``period`` working pixels and summed: one tile of
    OVERSAMPLE x TILE samples a side, whose noise shrinks as more tiles add up."""
    scale, side = OVERSAMPLE * TILE / period, OVERSAMPLE * TILE
    size = (int(plane.width * scale), int(plane.height * scale))
    samples = np.asarray(plane.resize(size, Image.Resampling.BILINEAR,
                                      box=(0, 0, size[0] / scale, size[1] / scale)))
    down, across = -(-size[1] // side), -(-size[0] // side)
    total = np.zeros((down * side, across * side), dtype=np.float32)
    total[:size[1], :size[0]] = samples
    folded = total.reshape(down, side, across, side).sum(axis=(0, 2))
    rows = size[1] // side + (np.arange(side) < size[1] % side)
    columns = size[0] // side + (np.arange(side) < size[0] % side)
    return folded / np.sqrt(np.maximum(np.outer(rows, columns), 1))  # every sample's noise alike


def soft_bits(luma: np.ndarray, shrink: float, sync: Sync) -> np.ndarray:
    """One soft value per coded bit (positive for a 1). The full-size luminance (``shrink``
    working pixels to one of its own) is resampled afresh at PHASES samples a chip; of the
    PHASES**2 ways to group them into chips, the one whose data chips add up most coherently
    is in step with the chips (none smeared over its neighbours), and is read."""
    chip = sync.period / TILE / shrink  # image pixels per chip
    height, width = luma.shape
    size = (int(width / chip) * PHASES, int(height / chip) * PHASES)
    detail = grid.residual(grid.resample(luma, PHASES / chip, size, Image.Resampling.BICUBIC),
                           PHASES, grid.LINES_READ)
    # Every PHASES x PHASES block's sum, wherever it starts: a phase takes every PHASES-th.
    sums = np.pad(detail, ((1, 0), (1, 0))).astype(np.float64).cumsum(axis=0).cumsum(axis=1)
    blocks = (sums[PHASES:, PHASES:] - sums[:-PHASES, PHASES:] - sums[PHASES:, :-PHASES]
              + sums[:-PHASES, :-PHASES])
    best, soft = -np.inf, np.zeros(code.CODED_BITS)
    for y in range(PHASES):
        for x in range(PHASES):
            folded = _fold_chips(blocks[y::PHASES, x::PHASES])
            corr = np.fft.irfft2(np.fft.rfft2(folded) * _SYNC_CHIPS[sync.orientation],
                                 s=folded.shape)
            at = np.unravel_index(int(np.argmax(corr)), corr.shape)
            upright = grid.unorient(np.roll(folded, (-at[0], -at[1]), axis=(0, 1)),
                                    sync.orientation).ravel()
            data = grid.SPREAD * upright[grid.DATA_AT]
            bits = np.bincount(grid.BIT_AT, data, code.CODED_BITS).astype(np.float64)
            # How much of the data chips' energy adds up coherently: most when in step.
            coherence = float(np.mean(bits**2) / (np.mean(data**2) + 1e-12))
            if coherence > best:
                best, soft = coherence, bits
    return soft / (np.std(soft) + 1e-12)


def _fold_chips(chips: np.ndarray) -> np.ndarray:
    """A plane of chips cut into TILE x TILE tiles (the last ones partial) and summed."""
    down, across = -(-chips.shape[0] // TILE), -(-chips.shape[1] // TILE)
    total = np.zeros((down * TILE, across * TILE), dtype=np.float32)
    total[:chips.shape[0], :chips.shape[1]] = chips
    return total.reshape(down, TILE, across, TILE).sum(axis=(0, 2))


# --- small helpers ------------------------------------------------------------------------


def _vertex(before: float, peak: float, after: float) -> float:
    """Where a parabola through three equally spaced values peaks, relative to the middle."""
    curve = before - 2.0 * peak + after
    return 0.0 if curve >= 0 else float(np.clip(0.5 * (before - after) / curve, -0.5, 0.5))


def _box_mean(plane: np.ndarray, radius: int) -> np.ndarray:
    """Cyclic mean over a (2 radius + 1)^2 square, axis by axis."""
    for axis in (0, 1):
        total = np.zeros_like(plane)
        for shift in range(-radius, radius + 1):
            total += np.roll(plane, shift, axis=axis)
        plane = total / (2 * radius + 1)
    return plane


def _bilinear(plane: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """``plane`` at fractional, cyclic positions."""
    height, width = plane.shape
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    fy, fx = ys - y0, xs - x0
    y1, x1 = (y0 + 1) % height, (x0 + 1) % width
    y0, x0 = y0 % height, x0 % width
    return ((plane[y0, x0] * (1 - fx) + plane[y0, x1] * fx) * (1 - fy)
            + (plane[y1, x0] * (1 - fx) + plane[y1, x1] * fx) * fy)
