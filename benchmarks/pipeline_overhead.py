"""Per-image pipeline overhead outside the model call, on one core: the job's path (decode the
model's bytes, moderation, invisible watermark, C2PA signing, store the original, the
database), then the renditions actor's eager set and an AVIF on its first request; each
beside the code it replaced (issue "Speed"), measured in the same run on the same images.

    .venv/bin/python benchmarks/pipeline_overhead.py --images 20
    eval "$(scripts/seaweedfs.sh start var/seaweedfs)"     # optional: store on S3
    .venv/bin/python benchmarks/pipeline_overhead.py --images 20 --rekognition

The steps are the worker's own functions (generation.finishing's and generation.runner's
`_store`, then the renditions actor's), timed one by one in CPU time (time.process_time: a
shared machine's other work does not count; the process is pinned to one core) on 1024x1024
PNGs from the local renderer. Each image goes through the baseline and the new path, one
after the other, as two assets. The baseline is the code before issue "Speed", kept below:
the watermark added to a float copy of the decoded image, the PNG written again at zlib's
default level (6), and five renditions (thumbnail WebP, WebP and AVIF at 480 and 960 px)
each resized from the full original with WebP method 2. With --rekognition, Rekognition is
on and answers from the local test double over loopback HTTP (a real boto3 round trip);
otherwise the local policy alone judges. With AWS_ENDPOINT_URL_S3 set, images go to a fresh
bucket there; otherwise to the filesystem.

Targets (issue "Speed"): the job's path at most 150 ms per 1024x1024 image on one core,
moderation service call excluded; the eager renditions at most 120 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

for _threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")  # one core: set before NumPy loads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, emit, percentile, row  # noqa: E402

JOB_PATH_TARGET_MS = 150.0
RENDITIONS_TARGET_MS = 120.0
NAME = "pipeline overhead"
JOB_STEPS = ("decode", "watermark + C2PA", "store original", "database")
LEGACY_ENCODERS: dict[str, tuple[str, dict[str, Any]]] = {
    "webp": ("WEBP", {"quality": 80, "method": 2}), "avif": ("AVIF", {"quality": 60, "speed": 9})}


class Laps:
    """CPU milliseconds of each step of one image, into `timings`."""

    def __init__(self, timings: dict[str, list[float]]) -> None:
        self.timings = timings
        self.last = time.process_time()

    def __call__(self, step: str) -> None:
        now = time.process_time()
        self.timings.setdefault(step, []).append((now - self.last) * 1000)
        self.last = now


# --- the code before issue "Speed", for the baseline -----------------------------------------


def legacy_embed(image: Any, payload: bytes) -> Any:
    """provenance.watermark.embed before: the pattern added to a float copy of the image."""
    import numpy as np
    from PIL import Image

    from provenance import watermark, watermark_code, watermark_grid

    array = np.array(image)
    change = watermark.STRENGTH * watermark_grid.pattern(watermark_code.encode(payload),
                                                         *image.size)
    array[..., :3] = np.clip(np.rint(array[..., :3] + change[..., None]), 0, 255
                             ).astype(np.uint8)
    return Image.fromarray(array, image.mode)


def legacy_watermarked(data: bytes, fmt: str, payload: bytes, *, keep_parameters: bool,
                       pixels: Any = None, spare: Any = None) -> bytes:
    """provenance.marks._watermarked before: decoded again, marked on a float copy, written
    at the encoder's default level (every pixel: `spare`, a packshot's background colour left
    unmarked, came later and is None for these images)."""
    from PIL import Image, PngImagePlugin

    from provenance.marks import PIL_FORMATS

    image = Image.open(io.BytesIO(data))
    image.load()
    marked = legacy_embed(image.convert("RGBA" if "A" in image.getbands() else "RGB"), payload)
    buffer = io.BytesIO()
    options: dict[str, Any] = {"quality": 95} if fmt in ("jpeg", "webp") else {}
    if fmt == "png" and keep_parameters and "parameters" in image.info:
        info = PngImagePlugin.PngInfo()
        info.add_text("parameters", image.info["parameters"])
        options["pnginfo"] = info
    marked.save(buffer, PIL_FORMATS[fmt], **options)
    return buffer.getvalue()


@contextmanager
def legacy_marking() -> Iterator[None]:
    """provenance.mark as it was (everything else in it is unchanged)."""
    from provenance import marks

    current = marks._watermarked
    marks._watermarked = legacy_watermarked  # type: ignore[assignment]
    try:
        yield
    finally:
        marks._watermarked = current


def legacy_renditions(asset: Any) -> list[Any]:
    """assets.renditions.make_renditions before: all five renditions (AVIF too), each resized
    from the full-size original (LANCZOS, reducing_gap 2), then finished, stored, recorded."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from assets import renditions
    from assets.models import Rendition
    from assets.storage import object_extras

    plans = renditions.plans(asset.width, asset.height)
    web = renditions.lazy_plans(asset.width, asset.height)
    todo = [plans[0], *sorted([*plans[1:], *web], key=lambda p: (p.width, p.format != "webp"))]
    with default_storage.open(asset.storage_key, "rb") as handle:
        original = handle.read()
    image = renditions.decode_original(original)
    records, made = {}, []
    for plan in todo:
        resized = image.resize((plan.width, plan.height), Image.Resampling.LANCZOS,
                               reducing_gap=2.0)
        pil_format, options = LEGACY_ENCODERS[plan.format]
        buffer = io.BytesIO()
        resized.save(buffer, pil_format, **options)
        data = buffer.getvalue()
        record: dict[str, Any] = {}
        for finisher in renditions._finishers:
            data, note = finisher(asset, original, plan, data)
            record.update(note)
        records[plan.name] = {**record, "sha256": hashlib.sha256(data).hexdigest()}
        with object_extras(metadata={"tenant": asset.tenant.slug, "asset": str(asset.pk)},
                           tags={"stage": asset.stage, "tenant": asset.tenant.slug},
                           content_type=f"image/{plan.format}"):
            key = default_storage.save(renditions.rendition_key(asset, plan), ContentFile(data))
        made.append(Rendition.objects.for_tenant(asset.tenant).get_or_create(
            asset=asset, kind=plan.kind, format=plan.format, width=plan.width,
            defaults={"height": plan.height, "bytes": len(data), "storage_key": key})[0])
    renditions._record(asset, records)
    return made


# --- the run -----------------------------------------------------------------------------------


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


def deliver(lap: Laps, job: Any, index: int, image: Any, spec: Any, *, legacy: bool
            ) -> tuple[Any, int]:
    """A job's steps for one image (generation.finishing, then runner._store and the charge),
    lapped; the asset and its stored size."""
    from assets.services import store_generated_image
    from billing import services as billing
    from moderation import services as moderation
    from provenance import marks as provenance

    verdict = moderation.moderate_output(job.tenant, image.data)
    lap("moderation")
    pixels = None if legacy else provenance.decode(image.data)
    lap("decode")
    asset_id = provenance.asset_id_for(job.pk, index)
    data, record = provenance.mark(image.data, image.format, family=spec.family,
                                   asset_id=asset_id, model_id=job.model_id,
                                   model_name=spec.name, prompt=job.prompt, pixels=pixels)
    del pixels
    lap("watermark + C2PA")
    marked = type(image)(data=data, format=image.format, width=image.width,
                         height=image.height, seed=image.seed)
    asset, _ = store_generated_image(job, index, marked, {}, moderation=verdict.as_record(),
                                     asset_id=asset_id, provenance=record)
    moderation.apply_status(asset, verdict.status)
    lap("store original")
    billing.settle(job, index, aws_cost_usd=spec.unit_cost_usd(None, 1024 * 1024))
    lap("database")
    return asset, len(data)


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

    from assets.renditions import lazy_plans, make_rendition, make_renditions
    from catalog.requests import JobRequest
    from catalog.spec import catalog
    from generation.services import submit_job
    from providers.base import ProviderCall
    from providers.local import generate
    from tenants.services import create_tenant

    call_command("migrate", verbosity=0)
    tenant = create_tenant(f"bench-{uuid.uuid4().hex[:6]}").tenant
    spec = catalog().get("local")
    per_job = spec.limits.n[1]
    slots = 2 * args.images  # each image twice: baseline, then new
    jobs = [submit_job(tenant, JobRequest(model="local", prompt="a bench shot", n=per_job,
                                          size="1024x1024"))
            for _ in range(0, slots, per_job)]
    runs: dict[str, dict[str, list[float]]] = {"baseline": {}, "new": {}}
    sizes: dict[str, list[float]] = {"baseline": [], "new": []}
    for number in range(args.images):
        call = ProviderCall(model_id="atelier.local-v1", operation="text_to_image",
                            prompt=f"bench {number}", negative_prompt="", width=1024,
                            height=1024, seeds=(number,))
        image = generate(call).images[0]  # the model call: not counted
        for slot, which in enumerate(("baseline", "new")):
            position = 2 * number + slot
            job, index = jobs[position // per_job], position % per_job
            timings = runs[which]
            lap = Laps(timings)
            if which == "baseline":
                with legacy_marking():
                    asset, size = deliver(lap, job, index, image, spec, legacy=True)
                lap = Laps(timings)
                legacy_renditions(asset)
                lap("renditions")
            else:
                asset, size = deliver(lap, job, index, image, spec, legacy=False)
                lap = Laps(timings)
                make_renditions(asset)
                lap("renditions")
                for plan in lazy_plans(asset.width, asset.height):
                    lap = Laps(timings)
                    make_rendition(asset, plan)
                    lap(f"AVIF {plan.width} px on first request")
            timings.setdefault("job's path", []).append(
                sum(timings[step][-1] for step in JOB_STEPS))
            sizes[which].append(size / 1024)
    for double in doubles:
        double.stop()  # type: ignore[attr-defined]
    where = "S3 " + os.environ["AWS_ENDPOINT_URL_S3"] if os.environ.get("ATELIER_BUCKET") \
        else "the filesystem"
    moderation_kind = "Rekognition double" if args.rekognition else "local policy"
    print(f"{args.images} images of 1024x1024, one core, CPU time, {moderation_kind}, "
          f"stored on {where}")
    print(f"{'step':<28} {'baseline ms':>12} {'new ms':>8} {'new p95':>8}")
    rows: list[dict[str, Any]] = []
    for step in runs["new"]:
        new = runs["new"][step]
        old = runs["baseline"].get(step)
        old_median = statistics.median(old) if old else None
        median, p95 = statistics.median(new), percentile(new, 0.95)
        shown = f"{old_median:12.1f}" if old_median is not None else f"{'-':>12}"
        print(f"{step:<28} {shown} {median:8.1f} {p95:8.1f}")
        target = {"job's path": JOB_PATH_TARGET_MS,
                  "renditions": RENDITIONS_TARGET_MS}.get(step)
        label = {"job's path": "job's path per image (moderation call excluded)",
                 "renditions": "eager renditions per image"}.get(step, step)
        if old_median is not None:
            rows.append(row(NAME, f"{label} median, baseline", old_median, "ms"))
        rows.append(row(NAME, f"{label} median", median, "ms",
                        f"<= {target:g} ms" if target else "",
                        median <= target if target else None))
    for which in ("baseline", "new"):
        size = statistics.median(sizes[which])
        print(f"stored PNG, {which}: median {size:.0f} KiB")
        rows.append(row(NAME, f"stored PNG median ({which})", size, "KiB"))
    emit(args.json_out, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
