"""Archive memory: how much a process's resident memory grows while it sends a 10,000-image
batch archive, streamed (`GET /api/v1/batches/{id}/archive`, through Django's request
handling) to a sink that only counts the bytes; beside, in the same run, the baselines:

- reading every image once (open, read, close): the floor of any way to send them;
- the archive as it was built before (Python's zipfile into memory, as the job endpoint did;
  the batch endpoint's file kept the first 64 MB in memory the same way).

Makes a tenant, one batch of N rows (one job and one approved 64x64 PNG each: noise, so the
bytes do not compress; about 12 KB each) in a temporary ATELIER_VAR_DIR with SQLite (or the
PostgreSQL database of `--database-url`, e.g. postgres://postgres@127.0.0.1:5432/
atelier_archive, made with `createdb`), files on disk. Each
case runs in a fresh process, which first serves a small archive (imports and first-use
caches out of the way), then resets its peak RSS (VmHWM, by writing 5 to
/proc/self/clear_refs; where that is refused, VmRSS is sampled every 2 ms) and reads it after
the case. Growth = peak RSS - RSS before. The streamed case also times its first byte and the
whole archive, and checks that the bytes sent are its Content-Length.

Target: streamed growth at most 64 MB for 10,000 images (what stays grows with the number of
images, not their bytes: the ZIP's central directory, written last) and below the in-memory
baseline.

    .venv/bin/python benchmarks/archive_memory.py [--images 10000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from contextlib import suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import (  # noqa: E402
    add_json_out,
    emit,
    row,
    server_environment,
    status_mb,
)

NAME = "archive memory"
TARGET_MB = 64.0
CASES = ("raw reads (baseline)", "in-memory zipfile (before)", "streamed (now)")
DISTINCT_IMAGES = 64  # noise images made; the files repeat them under their own names


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=10_000, help="rows in the batch")
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of SQLite")
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)  # the child's
    parser.add_argument("--state", type=Path, help=argparse.SUPPRESS)
    add_json_out(parser)
    return parser.parse_args()


# --- the data -----------------------------------------------------------------------------------

def noise_pngs(count: int) -> list[bytes]:
    from PIL import Image

    found = []
    for _ in range(count):
        buffer = io.BytesIO()
        Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)).save(buffer, "PNG")
        found.append(buffer.getvalue())
    return found


def make_batch(images: int) -> dict[str, Any]:
    """A tenant, its API key and a batch of `images` rows, each with one approved image."""
    import hashlib

    from django.conf import settings

    from assets.models import Asset
    from generation.models import Batch, Job
    from tenants.services import create_tenant

    made = create_tenant(f"bench-{uuid.uuid4().hex[:8]}", name="Archive memory benchmark")
    made.key.api_key.rate_limit_per_minute = 10_000_000
    made.key.api_key.save(update_fields=["rate_limit_per_minute"])
    tenant = made.tenant
    pngs = noise_pngs(DISTINCT_IMAGES)
    batch = Batch.objects.for_tenant(tenant).create(name="archive bench", items=images,
                                                    images=images)
    media = Path(settings.MEDIA_ROOT)
    jobs, assets = [], []
    for i in range(images):
        job_id = uuid.uuid4()
        sku = f"SKU-{i:05d}"
        jobs.append(Job(id=job_id, tenant=tenant, batch=batch, sku=sku, model_key="local",
                        model_id="atelier.local-v1", operation="text_to_image",
                        prompt=f"a teapot, catalog row {i}", n=1, base_seed=i, seed=i,
                        width=64, height=64, request={}, status=Job.Status.SUCCEEDED))
        data = pngs[i % len(pngs)]
        key = f"{tenant.slug}/bench/{job_id}/0-{i}.png"
        path = media / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        assets.append(Asset(tenant=tenant, job_id=job_id, index=0, model_key="local",
                            model_id="atelier.local-v1", operation="text_to_image",
                            parameters={"prompt": f"a teapot, catalog row {i}"}, seed=i,
                            storage_key=key, sha256=hashlib.sha256(data).hexdigest(),
                            bytes=len(data), width=64, height=64, format="png",
                            moderation_status=Asset.Moderation.APPROVED))
    Job.objects.for_tenant(tenant).bulk_create(jobs, batch_size=1000)
    Asset.objects.for_tenant(tenant).bulk_create(assets, batch_size=1000)
    small = Batch.objects.for_tenant(tenant).create(name="warm-up", items=1, images=1)
    job = Job.objects.for_tenant(tenant).create(
        batch=small, sku="W", model_key="local", model_id="atelier.local-v1",
        operation="text_to_image", prompt="warm", n=1, base_seed=0, width=64, height=64,
        request={}, status=Job.Status.SUCCEEDED)
    Asset.objects.for_tenant(tenant).create(
        job=job, index=0, model_key="local", operation="text_to_image", parameters={},
        seed=0, storage_key=assets[0].storage_key.replace("/bench/", "/warm/"),
        sha256=assets[0].sha256, bytes=assets[0].bytes, width=64, height=64, format="png",
        moderation_status=Asset.Moderation.APPROVED)
    (media / assets[0].storage_key.replace("/bench/", "/warm/")).parent.mkdir(parents=True)
    (media / assets[0].storage_key.replace("/bench/", "/warm/")).write_bytes(pngs[0])
    return {"secret": made.key.secret, "tenant": tenant.slug, "batch": str(batch.pk),
            "warm": str(small.pk), "bytes": sum(asset.bytes for asset in assets)}


# --- one case, in its own process ---------------------------------------------------------------

class Peak:
    """This process's peak RSS from now on: the kernel's high-water mark reset here, or VmRSS
    sampled every 2 ms where the reset is refused."""

    def __init__(self) -> None:
        self.before = status_mb(os.getpid(), "VmRSS")
        self.sampled = self.before
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.reset = True
        except OSError:
            self.reset = False
        self.stopping = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _sample(self) -> None:
        while not self.stopping.wait(0.002):
            self.sampled = max(self.sampled, status_mb(os.getpid(), "VmRSS"))

    def growth(self) -> float:
        self.stopping.set()
        self.sampler.join()
        peak = max(self.sampled, status_mb(os.getpid(), "VmHWM") if self.reset else 0.0)
        return max(0.0, peak - self.before)


def streamed(client: Any, secret: str, batch: str) -> dict[str, float]:
    """GET the archive and count its bytes as they come; first byte and total seconds."""
    started = time.perf_counter()
    response = client.get(f"/api/v1/batches/{batch}/archive?stage=all",
                          HTTP_AUTHORIZATION=f"Bearer {secret}")
    if response.status_code != 200:
        raise RuntimeError(f"archive answered {response.status_code}: {response.content!r}")
    sent, first = 0, 0.0
    for chunk in response.streaming_content:
        if not sent:
            first = time.perf_counter() - started
        sent += len(chunk)
    response.close()
    if sent != int(response["Content-Length"]):
        raise RuntimeError(f"sent {sent} bytes, Content-Length {response['Content-Length']}")
    return {"first_byte_s": first, "total_s": time.perf_counter() - started, "sent": sent}


def in_memory_zip(tenant: Any, batch: str) -> dict[str, float]:
    """The archive as exports.archive() built it before: zipfile into a BytesIO."""
    from django.core.files.storage import default_storage

    from generation import batch_results

    started = time.perf_counter()
    _, assets = batch_results.batch_assets(tenant, batch)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as bundle:
        for asset in assets.iterator(chunk_size=500):
            with default_storage.open(asset.storage_key, "rb") as handle:
                bundle.writestr(f"{asset.sku}/{asset.storage_key.rsplit('/', 1)[-1]}",
                                handle.read())
    sent = len(buffer.getvalue())
    return {"first_byte_s": time.perf_counter() - started,
            "total_s": time.perf_counter() - started, "sent": sent}


def raw_reads(tenant: Any, batch: str) -> dict[str, float]:
    """Every image read once, in the archive's order, and let go."""
    from django.core.files.storage import default_storage

    from generation import batch_results

    started = time.perf_counter()
    _, assets = batch_results.batch_assets(tenant, batch)
    sent = 0
    for key in assets.values_list("storage_key", flat=True).iterator(chunk_size=2000):
        with default_storage.open(key, "rb") as handle:
            sent += len(handle.read())
    return {"first_byte_s": 0.0, "total_s": time.perf_counter() - started, "sent": sent}


def run_case(case: str, state: dict[str, Any]) -> dict[str, float]:
    import django

    django.setup()
    from django.test import Client

    from tenants.models import Tenant

    tenant = Tenant.objects.get(slug=state["tenant"])
    client = Client(HTTP_HOST="127.0.0.1")
    streamed(client, state["secret"], state["warm"])  # imports, caches, first query
    raw_reads(tenant, state["warm"])
    in_memory_zip(tenant, state["warm"])
    peak = Peak()
    if case == "streamed (now)":
        result = streamed(client, state["secret"], state["batch"])
    elif case == "in-memory zipfile (before)":
        result = in_memory_zip(tenant, state["batch"])
    else:
        result = raw_reads(tenant, state["batch"])
    return {**result, "growth_mb": peak.growth(), "reset": float(peak.reset)}


# --- the run ------------------------------------------------------------------------------------

def main() -> int:
    args = arguments()
    if args.case:  # a child: one case, its figures as JSON on the last line
        state = json.loads(args.state.read_text())
        print(json.dumps(run_case(args.case, state)))
        return 0
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    env = server_environment(var_dir)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    results: dict[str, dict[str, float]] = {}
    try:
        done = subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise RuntimeError(f"migrate failed:\n{done.stdout}\n{done.stderr}")
        os.environ.update(env)
        import django

        django.setup()
        started = time.monotonic()
        state = make_batch(args.images)
        state_file = Path(var_dir) / "state.json"
        state_file.write_text(json.dumps(state))
        print(f"{args.images:,} images of 64x64 ({state['bytes'] / 1e6:.1f} MB) made in "
              f"{time.monotonic() - started:.1f} s; database "
              f"{env['DATABASE_URL'].split(':', 1)[0]}", flush=True)
        print(f"{'case':<30} {'peak RSS growth':>16} {'first byte':>11} {'total':>8}",
              flush=True)
        for case in CASES:
            child = subprocess.run(
                [sys.executable, __file__, "--case", case, "--state", str(state_file)],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
            if child.returncode:
                raise RuntimeError(f"{case} failed:\n{child.stdout}\n{child.stderr}")
            results[case] = json.loads(child.stdout.strip().splitlines()[-1])
            got = results[case]
            how = "VmHWM" if got["reset"] else "VmRSS sampled"
            print(f"{case:<30} {got['growth_mb']:>13.1f} MB {got['first_byte_s']:>9.2f} s "
                  f"{got['total_s']:>6.2f} s  ({how}; {got['sent'] / 1e6:.1f} MB)", flush=True)
    finally:
        with suppress(Exception):
            from django.db import connections

            connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)
    now, before = results["streamed (now)"], results["in-memory zipfile (before)"]
    floor = results["raw reads (baseline)"]
    met = now["growth_mb"] <= TARGET_MB and now["growth_mb"] < before["growth_mb"]
    images = f"{args.images:,} images"
    rows = [
        row(NAME, f"{images}, streamed archive, peak RSS growth", now["growth_mb"], "MB",
            f"<= {TARGET_MB:.0f} MB and below the in-memory ZIP", met),
        row(NAME, f"{images}, streamed archive, first byte", now["first_byte_s"], "s",
            "<= 1 s", now["first_byte_s"] <= 1.0),
        row(NAME, f"{images}, streamed archive, whole archive", now["total_s"], "s"),
        row(NAME, f"{images}, in-memory ZIP (before), peak RSS growth",
            before["growth_mb"], "MB"),
        row(NAME, f"{images}, reading each image once (baseline), peak RSS growth",
            floor["growth_mb"], "MB"),
    ]
    emit(args.json_out, rows)
    return 0 if all(item["met"] is not False for item in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
