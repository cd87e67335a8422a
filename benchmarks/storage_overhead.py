"""Storage overhead per 1024x1024 image on a real S3 server: store the original (with its
metadata, tags and encryption), make the eager renditions (thumbnail and WebPs), sign a link;
an AVIF on its first request; and, in the same run on the same images, the renditions as
they were before issue "Speed" (all five, AVIF too, each from the full-size original).

    eval "$(scripts/seaweedfs.sh start var/seaweedfs)"
    .venv/bin/python benchmarks/storage_overhead.py --images 30

CPU time (time.process_time: the S3 server's own work is not counted, the client's is), one
core. Target (issue "Speed"): the eager renditions at most 120 ms median.
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

for _threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")  # one core: set before NumPy loads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, emit, percentile, row  # noqa: E402
from benchmarks.pipeline_overhead import RENDITIONS_TARGET_MS, legacy_renditions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=30)
    add_json_out(parser)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    if not os.environ.get("AWS_ENDPOINT_URL_S3"):
        sys.exit("AWS_ENDPOINT_URL_S3 is required (scripts/seaweedfs.sh start DIR)")
    bucket = f"atelier-bench-{uuid.uuid4().hex[:8]}"
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "ATELIER_BUCKET": bucket,
                       "ATELIER_VAR_DIR": var_dir, "ATELIER_C2PA_TEST_CA": "1",
                       "DATABASE_URL": f"sqlite:///{var_dir}/bench.sqlite3"})
    os.environ.pop("REDIS_URL", None)
    import boto3
    import django

    boto3.session.Session().client("s3").create_bucket(Bucket=bucket)
    django.setup()
    from django.core.management import call_command

    from assets.delivery import signed_download_url
    from assets.renditions import lazy_plans, make_rendition, make_renditions
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
    timings: dict[str, list[float]] = {}

    def lap(step: str, since: float) -> float:
        now = time.process_time()
        timings.setdefault(step, []).append((now - since) * 1000)
        return now

    for number in range(args.images):
        call = ProviderCall(model_id="atelier.local-v1", operation="text_to_image",
                            prompt=f"bench {number}", negative_prompt="", width=1024,
                            height=1024, seeds=(number,))
        image: GeneratedImage = generate(call).images[0]
        for slot, which in enumerate(("baseline", "new")):
            index = 2 * number + slot
            if index >= job.n:
                job = submit_job(tenant, JobRequest(model="local", prompt="a bench shot",
                                                    n=16, size="1024x1024"))
                index = 0
            clock = time.process_time()
            asset, _ = store_generated_image(job, index, image, {}, moderation={})
            apply_status(asset, Verdict("approved").status)
            clock = lap("store original", clock)
            if which == "baseline":
                legacy_renditions(asset)
                lap("renditions, baseline (five, AVIF too)", clock)
                continue
            make_renditions(asset)
            clock = lap("renditions (eager: thumbnail and WebPs)", clock)
            signed_download_url(asset, base_url="http://127.0.0.1:8000/")
            clock = lap("sign link", clock)
            for plan in lazy_plans(asset.width, asset.height):
                make_rendition(asset, plan)
                clock = lap(f"AVIF {plan.width} px on first request", clock)
    print(f"{args.images} images of 1024x1024 on {os.environ['AWS_ENDPOINT_URL_S3']}, "
          "one core, CPU time")
    print(f"{'step':<40} {'median ms':>10} {'p95 ms':>8}")
    rows = []
    for name, values in timings.items():
        median, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"{name:<40} {median:>10.1f} {p95:>8.1f}")
        target = RENDITIONS_TARGET_MS if name.startswith("renditions (eager") else None
        rows += [row("storage on S3", f"{name} median", median, "ms",
                     f"<= {target:g} ms" if target else "",
                     median <= target if target else None),
                 row("storage on S3", f"{name} p95", p95, "ms")]
    emit(args.json_out, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
