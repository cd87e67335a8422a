"""Storage overhead per 1024x1024 image on a real S3 server: store the original (with its
metadata, tags and encryption), make the renditions, sign a link.

    eval "$(scripts/seaweedfs.sh start var/seaweedfs)"
    .venv/bin/python benchmarks/storage_overhead.py --images 30

Target (docs/benchmarks.md): the whole per-image overhead outside the model call stays
within 250 ms median on one core (issue 9); this script prints its share.
"""

from __future__ import annotations

import argparse
import os
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
    parser.add_argument("--images", type=int, default=30)
    add_json_out(parser)
    args = parser.parse_args()
    if not os.environ.get("AWS_ENDPOINT_URL_S3"):
        sys.exit("AWS_ENDPOINT_URL_S3 is required (scripts/seaweedfs.sh start DIR)")
    bucket = f"atelier-bench-{uuid.uuid4().hex[:8]}"
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "ATELIER_BUCKET": bucket,
                       "ATELIER_VAR_DIR": var_dir,
                       "DATABASE_URL": f"sqlite:///{var_dir}/bench.sqlite3"})
    os.environ.pop("REDIS_URL", None)
    import boto3
    import django

    boto3.session.Session().client("s3").create_bucket(Bucket=bucket)
    django.setup()
    from django.core.management import call_command

    from assets.delivery import signed_download_url
    from assets.renditions import make_renditions
    from assets.services import store_generated_image
    from catalog.requests import JobRequest
    from generation.services import submit_job
    from moderation.services import Verdict, apply_status
    from providers.base import GeneratedImage, ProviderCall
    from providers.local import generate
    from tenants.services import create_tenant

    call_command("migrate", verbosity=0)
    tenant = create_tenant("bench").tenant
    job = submit_job(tenant, JobRequest(model="local", prompt="a bench shot", n=16,
                                        size="1024x1024"))
    timings: dict[str, list[float]] = {"store original": [], "renditions": [], "sign link": [],
                                       "total": []}
    for index in range(args.images):
        call = ProviderCall(model_id="atelier.local-v1", operation="text_to_image",
                            prompt=f"bench {index}", negative_prompt="", width=1024,
                            height=1024, seeds=(index,))
        image: GeneratedImage = generate(call).images[0]
        job.n = index + 1
        started = time.perf_counter()
        asset, _ = store_generated_image(job, index, image, {}, moderation={})
        apply_status(asset, Verdict("approved").status)
        stored = time.perf_counter()
        make_renditions(asset)
        rendered = time.perf_counter()
        signed_download_url(asset, base_url="http://127.0.0.1:8000/")
        signed = time.perf_counter()
        for name, value in (("store original", stored - started),
                            ("renditions", rendered - stored), ("sign link", signed - rendered),
                            ("total", signed - started)):
            timings[name].append(value * 1000)
    print(f"{args.images} images of 1024x1024 on {os.environ['AWS_ENDPOINT_URL_S3']}")
    print(f"{'step':<16} {'median ms':>10} {'p95 ms':>8}")
    rows = []
    for name, values in timings.items():
        median, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"{name:<16} {median:>10.1f} {p95:>8.1f}")
        rows += [row("storage on S3", f"{name} median", median, "ms"),
                 row("storage on S3", f"{name} p95", p95, "ms")]
    emit(args.json_out, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
