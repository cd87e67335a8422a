"""Milliseconds to composite a 2048x2048 cut-out into an Amazon main-image packshot (trim,
scale, centre, shadow, flatten, JPEG export: providers/compositing.py), on one core, beside the
same run's baseline: a naive Pillow-only packshot (full-size RGBA layers, the shadow blurred
at full size, alpha_composite) that makes the same picture the obvious way.

The cut-out is made here (a product on transparency, as a remove-background model returns it)
and decoded before timing: the model call and the cut-out's decoding are not compositing.
CPU time of this process (time.process_time), best of `--runs`; wall time is printed too.

    .venv/bin/python benchmarks/compositing.py [--runs 15]

Target: a 2048x2048 packshot composite under 150 ms, whichever shadow.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import sys
from pathlib import Path

for _threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")  # one core: set before NumPy loads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, best_ms, emit, row  # noqa: E402

NAME = "packshot compositing"
SIDE = 2048
TARGET_MS = 150.0


def cut_out() -> bytes:
    """A 2048x2048 cut-out PNG: a red box under a blue dome, transparent around them, with a
    soft edge as a model's matte has."""
    from PIL import Image, ImageDraw, ImageFilter

    image = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((SIDE * 0.25, SIDE * 0.38, SIDE * 0.75, SIDE * 0.85), SIDE // 30,
                           fill=(200, 40, 60, 255))
    draw.ellipse((SIDE * 0.35, SIDE * 0.15, SIDE * 0.65, SIDE * 0.45), fill=(40, 90, 170, 255))
    image.putalpha(image.getchannel("A").filter(ImageFilter.GaussianBlur(1.5)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def naive_packshot(cut, preset, shadow: str) -> bytes:  # type: ignore[no-untyped-def]
    """The obvious Pillow version: every layer a full-size RGBA canvas, the shadow blurred at
    full resolution, then alpha_composite, flatten and export."""
    from PIL import Image, ImageDraw, ImageFilter

    rgba = cut.convert("RGBA")
    product = rgba.crop(rgba.getchannel("A").getbbox())
    width, height = preset.size
    fill = preset.min_fill + 0.03
    scale = fill / max(product.width / width, product.height / height)
    size = (round(product.width * scale), round(product.height * scale))
    product = product.resize(size, Image.Resampling.LANCZOS)
    at = ((width - size[0]) // 2, (height - size[1]) // 2)
    canvas = Image.new("RGBA", (width, height), (*preset.background, 255))
    if shadow != "none":
        extent = max(size)
        layer = Image.new("L", (width, height), 0)
        if shadow == "drop":
            shift = 0.04 * extent / math.sqrt(2)
            layer.paste(product.getchannel("A").point(lambda v: v * 3 // 10),
                        (round(at[0] + shift), round(at[1] + shift)))
            layer = layer.filter(ImageFilter.GaussianBlur(0.5 + 0.7 * 0.08 * extent))
        contact = Image.new("L", (width, height), 0)
        base, half = at[1] + size[1], 0.04 * size[1]
        ImageDraw.Draw(contact).ellipse((at[0] + 0.08 * size[0], base - half,
                                         at[0] + 0.92 * size[0], base + half), fill=120)
        contact = contact.filter(ImageFilter.GaussianBlur(half))
        black = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        for mask in (layer, contact):
            black.putalpha(mask)
            canvas = Image.alpha_composite(canvas, black)
    full = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    full.paste(product, at)
    canvas = Image.alpha_composite(canvas, full)
    buffer = io.BytesIO()
    canvas.convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


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
    from providers import compositing

    preset = builtin_presets()["amazon-main"]
    data = cut_out()
    decode_cpu, decode_wall = best_ms(lambda: Image.open(io.BytesIO(data)).load(), args.runs)
    cut = Image.open(io.BytesIO(data))
    cut.load()
    print(f"{SIDE}x{SIDE} cut-out -> {preset.key} packshot {preset.size[0]}x{preset.size[1]}, "
          f"best of {args.runs} (CPU ms / wall ms); decoding the cut-out alone "
          f"{decode_cpu:.1f} / {decode_wall:.1f}")
    rows = [row(NAME, f"decode the {SIDE}x{SIDE} cut-out PNG (not counted)", decode_cpu, "ms")]
    for shadow in compositing.SHADOWS:
        def ours(s: str = shadow) -> bytes:
            return compositing.encode(compositing.packshot(cut, preset, s), "jpeg")

        cpu, wall = best_ms(ours, args.runs)
        base_cpu, base_wall = best_ms(lambda s=shadow: naive_packshot(cut, preset, s),
                                      args.runs)
        report = check(ours(), preset)
        verdict = "passes amazon-main" if report.passed else (
            "fails amazon-main: " + ", ".join(report.failed))
        print(f"shadow {shadow:8} packshot {cpu:6.1f} / {wall:6.1f}   naive Pillow "
              f"{base_cpu:6.1f} / {base_wall:6.1f}   ({base_cpu / cpu:.1f}x)   {verdict}")
        rows += [row(NAME, f"packshot, shadow {shadow}", cpu, "ms", f"< {TARGET_MS:g} ms",
                     cpu < TARGET_MS),
                 row(NAME, f"naive Pillow baseline, shadow {shadow}", base_cpu, "ms")]
    emit(args.json_out, rows)
    return 0 if all(item["met"] is not False for item in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
