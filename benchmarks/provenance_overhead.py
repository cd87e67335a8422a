"""Milliseconds per 1024x1024 image for the provenance steps: watermark embed and detect,
C2PA signing and reading (issue 5's benchmark).

    .venv/bin/python benchmarks/provenance_overhead.py --images 20
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, emit, percentile, row  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--size", type=int, default=1024)
    add_json_out(parser)
    args = parser.parse_args()
    from PIL import Image

    from provenance import content_credentials, watermark
    from provenance.dev_ca import mint_signing_identity
    from providers.local_render import render_image

    cert, key = mint_signing_identity(Path(tempfile.mkdtemp(prefix="atelier-ca-")))
    steps: dict[str, list[float]] = {"watermark embed": [], "watermark detect": [],
                                     "c2pa sign": [], "c2pa read": []}
    for index in range(args.images):
        image = render_image(f"benchmark {index}", index, args.size, args.size)
        asset_id = uuid.uuid4()
        started = time.perf_counter()
        marked = watermark.embed(image, watermark.payload_for(asset_id))
        steps["watermark embed"].append(time.perf_counter() - started)
        started = time.perf_counter()
        assert watermark.detect(marked) == watermark.payload_for(asset_id)
        steps["watermark detect"].append(time.perf_counter() - started)
        buffer = io.BytesIO()
        marked.save(buffer, "PNG", compress_level=1)
        started = time.perf_counter()
        signed = content_credentials.sign(buffer.getvalue(), "png", cert_file=cert,
                                          key_file=key, model_id="atelier.local-v1",
                                          model_name="local", asset_id=str(asset_id),
                                          title="benchmark")
        steps["c2pa sign"].append(time.perf_counter() - started)
        started = time.perf_counter()
        assert content_credentials.read(signed, "png").state == "valid"
        steps["c2pa read"].append(time.perf_counter() - started)
        Image.open(io.BytesIO(signed)).verify()
    print(f"{args.images} images of {args.size}x{args.size}")
    print(f"{'step':<18} {'median ms':>10} {'p95 ms':>8}")
    rows = []
    for name, values in steps.items():
        millis = [v * 1000 for v in values]
        median, p95 = statistics.median(millis), percentile(millis, 0.95)
        print(f"{name:<18} {median:>10.1f} {p95:>8.1f}")
        rows.append(row("provenance", f"{name} median", median, "ms"))
    emit(args.json_out, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
