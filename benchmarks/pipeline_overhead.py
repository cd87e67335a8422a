"""Per-image pipeline overhead outside the model call, on one core: decode the model's bytes,
moderation round trip, invisible watermark, C2PA signing, store the original, renditions,
and the database (asset row and usage event).

    .venv/bin/python benchmarks/pipeline_overhead.py --images 20
    eval "$(scripts/seaweedfs.sh start var/seaweedfs)"     # optional: store on S3
    .venv/bin/python benchmarks/pipeline_overhead.py --images 20 --rekognition

The steps are the worker's own functions (generation.runner._deliver's, then the
renditions actor's), timed one by one on 1024x1024 PNGs from the local renderer. With
--rekognition, Rekognition is on and answers from the local test double over loopback HTTP
(a real boto3 round trip); otherwise the local policy alone judges. With AWS_ENDPOINT_URL_S3
set, images go to a fresh bucket there; otherwise to the filesystem.

Target (issue 9): at most 250 ms median per 1024x1024 image on one core.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, emit, percentile, row  # noqa: E402

TARGET_MS = 250.0
NAME = "pipeline overhead"


class Laps:
    """Milliseconds of each step of one image, into `timings`."""

    def __init__(self, timings: dict[str, list[float]]) -> None:
        self.timings = timings
        self.start = self.last = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.timings[step].append((now - self.last) * 1000)
        self.last = now

    def total(self) -> None:
        self.timings["total"].append((self.last - self.start) * 1000)


def environment(var_dir: str, rekognition: bool) -> list[object]:
    """Settings for a throwaway deployment; the doubles it needs, started."""
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "ATELIER_VAR_DIR": var_dir,
                       "DATABASE_URL": f"sqlite:///{var_dir}/bench.sqlite3",
                       "ATELIER_C2PA_TEST_CA": "1", "DEBUG": "1"})
    os.environ.pop("REDIS_URL", None)
    if os.environ.get("AWS_ENDPOINT_URL_S3"):
        import boto3

        bucket = f"atelier-bench-{uuid.uuid4().hex[:8]}"
        boto3.session.Session().client("s3").create_bucket(Bucket=bucket)
        os.environ["ATELIER_BUCKET"] = bucket
    started: list[object] = []
    if rekognition:
        from tests.fakes.rekognition import RekognitionDouble

        double = RekognitionDouble().start()
        os.environ["AWS_ENDPOINT_URL_REKOGNITION"] = double.url
        for name, value in (("AWS_ACCESS_KEY_ID", "bench"), ("AWS_SECRET_ACCESS_KEY", "bench"),
                            ("AWS_REGION", "us-east-1"), ("AWS_DEFAULT_REGION", "us-east-1")):
            os.environ.setdefault(name, value)  # S3's own credentials, when set, serve both
        os.environ["ATELIER_REKOGNITION"] = "on"
        started.append(double)
    return started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--rekognition", action="store_true")
    add_json_out(parser)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    doubles = environment(tempfile.mkdtemp(prefix="atelier-bench-"), args.rekognition)
    import django

    django.setup()
    from django.core.management import call_command
    from PIL import Image

    from assets.renditions import make_renditions
    from assets.services import store_generated_image
    from billing import services as billing
    from catalog.requests import JobRequest
    from catalog.spec import catalog
    from generation.services import submit_job
    from moderation import services as moderation
    from provenance import marks as provenance
    from providers.base import ProviderCall
    from providers.local import generate
    from tenants.services import create_tenant

    call_command("migrate", verbosity=0)
    tenant = create_tenant(f"bench-{uuid.uuid4().hex[:6]}").tenant
    spec = catalog().get("local")
    per_job = spec.limits.n[1]
    jobs = [submit_job(tenant, JobRequest(model="local", prompt="a bench shot", n=per_job,
                                          size="1024x1024"))
            for _ in range(0, args.images, per_job)]
    steps = ("decode", "moderation", "watermark + C2PA", "store original", "renditions",
             "database")
    timings: dict[str, list[float]] = {step: [] for step in (*steps, "total")}
    for number in range(args.images):
        job, index = jobs[number // per_job], number % per_job
        call = ProviderCall(model_id="atelier.local-v1", operation="text_to_image",
                            prompt=f"bench {number}", negative_prompt="", width=1024,
                            height=1024, seeds=(number,))
        image = generate(call).images[0]  # the model call: not counted
        lap = Laps(timings)
        Image.open(io.BytesIO(image.data)).load()
        lap("decode")
        verdict = moderation.moderate_output(tenant, image.data)
        lap("moderation")
        asset_id = provenance.asset_id_for(job.pk, index)
        data, record = provenance.mark(image.data, image.format, family=spec.family,
                                       asset_id=asset_id, model_id=job.model_id,
                                       model_name=spec.name, prompt=job.prompt)
        lap("watermark + C2PA")
        marked = type(image)(data=data, format=image.format, width=image.width,
                             height=image.height, seed=image.seed)
        asset, _ = store_generated_image(job, index, marked, {},
                                         moderation=verdict.as_record(), asset_id=asset_id,
                                         provenance=record)
        moderation.apply_status(asset, verdict.status)
        lap("store original")
        make_renditions(asset)
        lap("renditions")
        billing.settle(job, index, aws_cost_usd=spec.unit_cost_usd(None, 1024 * 1024))
        lap("database")
        lap.total()
    for double in doubles:
        double.stop()  # type: ignore[attr-defined]
    where = "S3 " + os.environ["AWS_ENDPOINT_URL_S3"] if os.environ.get("ATELIER_BUCKET") \
        else "the filesystem"
    moderation_kind = "Rekognition double" if args.rekognition else "local policy"
    print(f"{args.images} images of 1024x1024, one core, {moderation_kind}, stored on {where}")
    print(f"{'step':<18} {'median ms':>10} {'p95 ms':>8}")
    rows = []
    for name, values in timings.items():
        median, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"{name:<18} {median:>10.1f} {p95:>8.1f}")
        if name == "total":
            rows += [row(NAME, "total median per image", median, "ms", f"<= {TARGET_MS:g} ms",
                         median <= TARGET_MS),
                     row(NAME, "total p95 per image", p95, "ms")]
        else:
            rows.append(row(NAME, f"{name} median", median, "ms"))
    emit(args.json_out, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
