"""Milliseconds per 1024x1024 image for the provenance steps: watermark embed and detect,
writing the marked PNG, C2PA signing and reading; the embed and the PNG beside the code they
replaced (issue "Speed"), in the same run on the same images.

    .venv/bin/python benchmarks/provenance_overhead.py --images 20

CPU time (time.process_time), one core. The baseline embed adds the mark to a float copy of
the image (benchmarks/pipeline_overhead.py keeps it); the new one marks the image's own
pixels a band of rows at a time. The baseline PNG is zlib's default level (6); the new one
zlib's run-length strategy (provenance.marks.PNG_OPTIONS). `--photo` marks photograph-like
texture (noise at several scales) instead of the local renderer's flat shapes, whose PNGs
compress far better than a model's output.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

for _threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")  # one core: set before NumPy loads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, emit, percentile, row  # noqa: E402
from benchmarks.pipeline_overhead import legacy_embed  # noqa: E402


def photo_like(seed: int, size: int) -> Any:
    """Textured colour noise at several scales, like a busy photograph."""
    import numpy as np
    from PIL import Image

    from tests.helpers import blurred_noise

    rng = np.random.default_rng(seed)
    total = np.zeros((size, size, 3), dtype=np.float32)
    for sigma, amplitude in ((size / 8, 60), (size / 32, 30), (size / 128, 15), (1.0, 8)):
        layer = blurred_noise(rng.normal(size=(size, size, 3)), sigma)
        total += amplitude * layer / (layer.std() + 1e-6)
    return Image.fromarray(np.clip(120 + total, 0, 255).astype(np.uint8))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--photo", action="store_true")
    add_json_out(parser)
    args = parser.parse_args()
    from PIL import Image

    from provenance import content_credentials, watermark
    from provenance.dev_ca import mint_signing_identity
    from provenance.marks import PNG_OPTIONS
    from providers.local_render import render_image

    cert, key = mint_signing_identity(Path(tempfile.mkdtemp(prefix="atelier-ca-")))
    steps: dict[str, list[float]] = {}
    sizes: dict[str, list[float]] = {"PNG level 6 (baseline)": [], "PNG Z_RLE": []}

    def timed(step: str, work: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        result = work(*args, **kwargs)
        steps.setdefault(step, []).append((time.process_time() - started) * 1000)
        return result

    def png(image: Image.Image, options: dict[str, Any]) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, "PNG", **options)
        return buffer.getvalue()

    for index in range(args.images):
        image = (photo_like(index, args.size) if args.photo
                 else render_image(f"benchmark {index}", index, args.size, args.size))
        payload = watermark.payload_for(uuid.uuid4())
        timed("watermark embed (baseline)", legacy_embed, image, payload)
        marked = timed("watermark embed", watermark.embed, image, payload)
        assert timed("watermark detect", watermark.detect, marked) == payload
        old = timed("PNG write, level 6 (baseline)", png, marked, {})
        new = timed("PNG write, Z_RLE", png, marked, PNG_OPTIONS)
        sizes["PNG level 6 (baseline)"].append(len(old) / 1024)
        sizes["PNG Z_RLE"].append(len(new) / 1024)
        signed = timed("c2pa sign", content_credentials.sign, new, "png", cert_file=cert,
                       key_file=key, model_id="atelier.local-v1", model_name="local",
                       asset_id=str(uuid.uuid4()), title="benchmark")
        assert timed("c2pa read", content_credentials.read, signed, "png").state == "valid"
        Image.open(io.BytesIO(signed)).verify()
    kind = "photograph-like" if args.photo else "rendered"
    print(f"{args.images} {kind} images of {args.size}x{args.size}, CPU time")
    print(f"{'step':<32} {'median ms':>10} {'p95 ms':>8}")
    rows = []
    for name, millis in steps.items():
        median, p95 = statistics.median(millis), percentile(millis, 0.95)
        print(f"{name:<32} {median:>10.1f} {p95:>8.1f}")
        rows.append(row(f"provenance ({kind})", f"{name} median", median, "ms"))
    for name, kib in sizes.items():
        print(f"{name:<32} {statistics.median(kib):>10.0f} KiB median")
        rows.append(row(f"provenance ({kind})", f"{name} size median", statistics.median(kib),
                        "KiB"))
    emit(args.json_out, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
