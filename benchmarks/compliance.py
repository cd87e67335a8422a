"""Milliseconds to check a 2048x2048 product photo against the Amazon main-image preset, on
one core, beside the same run's baseline: Pillow decoding the same bytes alone (the floor any
check pays).

The images are made here: a product on pure white (PNG and JPEG), on off-white, and a small
product with text in the background. CPU time of this process (time.process_time), best of
`--runs`, so that other work on a shared machine does not count; wall time is printed too.

    .venv/bin/python benchmarks/compliance.py [--runs 15]

Target: the check (decode included) under 200 ms for a 2048x2048 image.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

for _threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")  # one core: set before NumPy loads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, best_ms, emit, row  # noqa: E402

NAME = "compliance check"
SIDE = 2048
TARGET_MS = 200.0


def photos() -> dict[str, bytes]:
    from PIL import Image, ImageDraw

    def photo(fmt: str, background: tuple[int, int, int] = (255, 255, 255), fill: float = 0.9,
              text: bool = False) -> bytes:
        image = Image.new("RGB", (SIDE, SIDE), background)
        draw = ImageDraw.Draw(image)
        side = int(SIDE * fill)
        left = (SIDE - side) // 2
        draw.rounded_rectangle((left, left + side // 5, left + side, left + side), 60,
                               fill=(30, 90, 160))
        draw.ellipse((left + side // 4, left, left + 3 * side // 4, left + side // 2),
                     fill=(220, 120, 40))
        if text:
            draw.text((40, 40), "SALE -50% FREE SHIPPING", fill=(0, 0, 0), font_size=64)
        buffer = io.BytesIO()
        image.save(buffer, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
        return buffer.getvalue()

    return {"compliant PNG": photo("PNG"), "compliant JPEG": photo("JPEG"),
            "off-white JPEG": photo("JPEG", background=(250, 250, 250)),
            "small product with text PNG": photo("PNG", fill=0.5, text=True)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    add_json_out(parser)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from PIL import Image

    from assets.compliance import check
    from catalog.presets import builtin_presets

    preset = builtin_presets()["amazon-main"]
    rows = []
    print(f"{SIDE}x{SIDE}, preset {preset.key}, best of {args.runs} (CPU ms / wall ms)")
    for name, data in photos().items():
        decode_cpu, decode_wall = best_ms(lambda d=data: Image.open(io.BytesIO(d)).load(),
                                          args.runs)
        check_cpu, check_wall = best_ms(lambda d=data: check(d, preset), args.runs)
        verdict = check(data, preset)
        print(f"{name:30} decode alone {decode_cpu:6.1f} / {decode_wall:6.1f}   "
              f"check {check_cpu:6.1f} / {check_wall:6.1f}   "
              f"{'passed' if verdict.passed else 'failed: ' + ', '.join(verdict.failed)}")
        rows += [row(NAME, f"decode {name}", decode_cpu, "ms"),
                 row(NAME, f"check {name}", check_cpu, "ms", f"< {TARGET_MS:g} ms",
                     check_cpu < TARGET_MS)]
    emit(args.json_out, rows)
    return 0 if all(item["met"] is not False for item in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
