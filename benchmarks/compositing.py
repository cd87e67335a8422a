"""Milliseconds to composite a 2048x2048 cut-out into an Amazon main-image packshot (trim,
scale, centre, shadow, flatten, JPEG export: providers/compositing.py), on one core, beside the
same run's baseline: a naive Pillow-only packshot (full-size RGBA layers, the shadow blurred
at full size, alpha_composite) that makes the same picture the obvious way. Likewise a product
scene: the same cut-out stood on a 2048x2048 background (scale, place, drop shadow, edge
harmonisation, JPEG export: providers/scenes.py), beside a naive version that blurs and
composites full-size layers.

The cut-out is made here (a product on transparency, as a remove-background model returns it)
and decoded before timing: the model call and the cut-out's decoding are not compositing.
CPU time of this process (time.process_time), best of `--runs`; wall time is printed too.

    .venv/bin/python benchmarks/compositing.py [--runs 15]

Target: a 2048x2048 packshot composite under 150 ms, whichever shadow; a scene likewise.
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
SCENE_NAME = "scene compositing"
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


def naive_scene(background, cut, stand, harmonize: float) -> bytes:  # type: ignore[no-untyped-def]
    """The obvious Pillow version of a scene: full-size RGBA layers, the shadow and the local
    colour blurred at full size, the edge band from a full-size blur, alpha_composite."""
    from PIL import Image, ImageChops, ImageFilter

    from providers import scenes

    rgba = cut.convert("RGBA")
    product = rgba.crop(rgba.getchannel("A").getbbox())
    left, top, width, height = scenes.placed_box(product.size, background.size, stand)
    product = product.resize((width, height), Image.Resampling.LANCZOS)
    alpha = Image.new("L", background.size, 0)
    alpha.paste(product.getchannel("A"), (left, top))
    layer = Image.new("L", background.size, 0)
    shift = round(0.09 * max(width, height) / 1.414)
    layer.paste(alpha, (shift, shift))
    layer = layer.filter(ImageFilter.GaussianBlur(0.06 * max(width, height)))
    canvas = background.convert("RGBA")
    black = Image.new("RGBA", background.size, (0, 0, 0, 0))
    black.putalpha(layer.point(lambda v: v * 32 // 100))
    canvas = Image.alpha_composite(canvas, black)
    local = background.filter(ImageFilter.GaussianBlur(32))
    band = round(0.012 * max(width, height))
    inside = alpha.point(lambda v: 255 if v == 255 else 0).filter(ImageFilter.BoxBlur(band))
    weights = ImageChops.invert(inside).point(lambda v: round(v * 0.9 * harmonize))
    full = Image.new("RGBA", background.size, (0, 0, 0, 0))
    full.paste(product, (left, top))
    tinted = Image.composite(local.convert("RGBA"), full, weights)
    tinted.putalpha(alpha)
    canvas = Image.alpha_composite(canvas, tinted)
    buffer = io.BytesIO()
    canvas.convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def scene_rows(cut, runs: int) -> list[dict]:  # type: ignore[no-untyped-def]
    """A scene on a 2048x2048 background the offline renderer draws (decoded before timing:
    the model call is not compositing)."""
    from catalog.scenes import scene_book
    from providers import compositing, scenes
    from providers.local_render import render_image

    book = scene_book()
    kitchen = book.scenes["kitchen"]
    background = render_image(f"{kitchen.prompt}, {book.background}", 7, SIDE, SIDE)
    stand = scenes.Stand(x=1 / 3, ground=kitchen.ground, scale=0.6)
    shadow = scenes.scene_shadow("drop", kitchen.light_angle)

    def ours() -> bytes:
        return compositing.encode(scenes.compose(background, cut, stand, shadow, 0.5), "jpeg")

    cpu, wall = best_ms(ours, runs)
    base_cpu, base_wall = best_ms(lambda: naive_scene(background, cut, stand, 0.5), runs)
    print(f"scene  {'kitchen':8} scene    {cpu:6.1f} / {wall:6.1f}   naive Pillow "
          f"{base_cpu:6.1f} / {base_wall:6.1f}   ({base_cpu / cpu:.1f}x)   drop shadow, "
          "harmonize 0.5, thirds_left at 0.6")
    return [row(SCENE_NAME, "scene, drop shadow, harmonize 0.5", cpu, "ms",
                f"< {TARGET_MS:g} ms", cpu < TARGET_MS),
            row(SCENE_NAME, "naive Pillow baseline, scene", base_cpu, "ms")]


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
    rows += scene_rows(cut, args.runs)
    emit(args.json_out, rows)
    return 0 if all(item["met"] is not False for item in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
