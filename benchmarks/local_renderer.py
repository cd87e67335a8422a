"""Milliseconds per image for each operation of the offline `local` provider at 1024x1024
(upscale: a 256x256 source to 1024x1024, and a 1024x1024 source to 4096x4096), drawing and
encoding, beside a baseline measured in the same run: Pillow encoding a blank 1024x1024 PNG
the way the provider does (compress level 1), the least any provider answer costs.

    .venv/bin/python benchmarks/local_renderer.py [--runs 5] [--sheet test-output/screenshots]

CPU time (time.process_time), one core, median of the runs. `--sheet DIR` also saves a contact
sheet of every operation's output (DIR/local-renderer-operations.png) to look at.

Target: under 150 ms per 1024x1024 image for every operation.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

for _threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")  # one core: set before NumPy loads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, emit, row, server_environment  # noqa: E402

SIDE = 1024
TARGET_MS = 150.0
PROMPT = "a red leather bag on a marble table"


def _ms(work: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        work()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def _cases() -> list[tuple[str, Any]]:
    from PIL import Image, ImageDraw

    from providers.base import ProviderCall, SourceImage
    from providers.local_render import render_image

    def source(image: Image.Image) -> SourceImage:
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)
        return SourceImage(buffer.getvalue(), "png", image.width, image.height)

    shot, small = render_image(PROMPT, 3, SIDE, SIDE), render_image(PROMPT, 3, 256, 256)
    mask = Image.new("L", (SIDE, SIDE), 0)
    ImageDraw.Draw(mask).rectangle((600, 480, 960, 940), fill=255)

    def call(model: str, operation: str, prompt: str = "", *, size: int = SIDE,
             image: Image.Image = shot, **fields: Any) -> ProviderCall:
        return ProviderCall(model, operation, prompt, "", size if operation != "outpaint"
                            else SIDE * 16 // 9, size, (5,), images=(source(image),), **fields)

    stability = "us.stability.stable-"
    return [
        ("text_to_image", ProviderCall("atelier.local-v1", "text_to_image", PROMPT, "", SIDE,
                                       SIDE, (3,))),
        ("remove_background", call(f"{stability}image-remove-background-v1:0",
                                   "remove_background")),
        ("upscale 256->1024", call(f"{stability}fast-upscale-v1:0", "upscale", size=256,
                                   image=small)),
        ("upscale 1024->4096", call(f"{stability}fast-upscale-v1:0", "upscale")),
        ("inpaint", call(f"{stability}image-inpaint-v1:0", "inpaint", "a blue bottle",
                         mask=source(mask.convert("RGB")))),
        ("outpaint 1024->1820x1024", call(f"{stability}outpaint-v1:0", "outpaint")),
        ("search_replace", call(f"{stability}image-search-replace-v1:0", "search_replace",
                                "a blue backpack", mask_prompt="the bag")),
        ("search_recolor", call(f"{stability}image-search-recolor-v1:0", "search_recolor",
                                "green", mask_prompt="the bag")),
        ("variation", call("amazon.titan-image-generator-v2:0", "variation")),
        ("image_to_image", call("us.stability.sd3-5-large-v1:0",
                                "image_to_image", "a teal bag at night")),
        ("replace_background", call("amazon.nova-canvas-v1:0", "replace_background",
                                    "on a wooden table, sunny")),
        ("erase", call(f"{stability}image-erase-object-v1:0", "erase",
                       mask=source(mask.convert("RGB")))),
    ]


def _sheet(images: list[tuple[str, Any]], path: Path) -> None:
    from PIL import Image, ImageDraw

    tile, cols = 384, 4
    rows = (len(images) + cols - 1) // cols
    sheet = Image.new("RGB", (tile * cols, (tile + 24) * rows), (32, 32, 36))
    for i, (name, image) in enumerate(images):
        shown = image
        if image.mode == "RGBA":  # a checkerboard shows the transparency
            board = Image.new("RGB", image.size, (255, 255, 255))
            draw, step = ImageDraw.Draw(board), max(8, image.width // 24)
            for y in range(0, image.height, step):
                for x in range(0, image.width, step):
                    if (x // step + y // step) % 2:
                        draw.rectangle((x, y, x + step - 1, y + step - 1), fill=(200, 200, 200))
            board.paste(image, mask=image.getchannel("A"))
            shown = board
        shown = shown.convert("RGB")
        shown.thumbnail((tile, tile))
        x, y = (i % cols) * tile, (i // cols) * (tile + 24)
        sheet.paste(shown, (x + (tile - shown.width) // 2, y + (tile - shown.height) // 2))
        ImageDraw.Draw(sheet).text((x + 6, y + tile + 6),
                                   f"{name}  {image.width}x{image.height} {image.mode}",
                                   fill=(235, 235, 235))
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sheet", type=Path, help="save a contact sheet in this directory")
    add_json_out(parser)
    args = parser.parse_args()
    os.environ.update(server_environment(tempfile.mkdtemp(prefix="atelier-bench-")))
    import django

    django.setup()
    from PIL import Image

    from providers import local

    blank = Image.new("RGB", (SIDE, SIDE), (200, 200, 200))
    baseline = _ms(lambda: blank.save(io.BytesIO(), "PNG", compress_level=1), args.runs)
    print(f"{'operation':<26} {'ms/image':>9} {'baseline':>9}")
    print(f"{'(blank 1024² PNG encode)':<26} {baseline:>9.1f} {baseline:>9.1f}")
    rows, outputs = [row("local_renderer", "baseline blank PNG encode", baseline, "ms")], []
    for name, call in _cases():
        elapsed = _ms(partial(local.generate, call), args.runs)
        outputs.append((name, local.make_image(call, call.seeds[0] or 0)))
        over_target = name.startswith("upscale 1024")  # 16 MP out: not a 1024² image
        print(f"{name:<26} {elapsed:>9.1f} {baseline:>9.1f}")
        rows.append(row("local_renderer", f"{name} ms/image", elapsed, "ms",
                        "" if over_target else f"< {TARGET_MS:.0f} ms",
                        None if over_target else elapsed < TARGET_MS))
    if args.sheet:
        _sheet(outputs, args.sheet / "local-renderer-operations.png")
    emit(args.json_out, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
