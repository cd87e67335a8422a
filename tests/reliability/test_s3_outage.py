"""The S3 server stopped for 20 seconds in the middle of a catalog batch, then started again on
the same data: the jobs that could not store their images give them back and Dramatiq retries
them; every job finishes, and the bucket holds each image exactly once, intact.

The test runs a SeaweedFS of its own on free loopback ports (never CI's shared one), through
scripts/seaweedfs.sh, and points the worker processes at it (ATELIER_BUCKET,
AWS_ENDPOINT_URL_S3).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from assets.models import Asset
from generation.models import Job
from tests.conftest import IN_CI, ROOT
from tests.helpers import wait_until

from .harness import (
    UNIT_PRICE,
    batch_job_ids,
    catalog_batch,
    free_port,
    priced,
    wait_for_jobs,
)
from .invariants import assert_promise_kept

pytestmark = [pytest.mark.reliability, pytest.mark.redis, pytest.mark.postgres,
              pytest.mark.s3]

ROWS, N = 25, 4  # 100 images
OUTAGE_AT, OUTAGE_SECONDS = 0.25, 20
WEED = ROOT / ".venv" / "bin" / "weed"
SCRIPT = ROOT / "scripts" / "seaweedfs.sh"


class SeaweedFS:
    """`weed mini` on ports of its own, stopped and started again on the same data dir."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        ports = {name: str(free_port(twin_offset=10000))
                 for name in ("MASTER", "VOLUME", "FILER", "S3", "ADMIN")}
        self.env = {**os.environ, **{f"SEAWEED_{name}_PORT": port
                                     for name, port in ports.items()},
                    "AWS_ACCESS_KEY_ID": "atelier-outage",
                    "AWS_SECRET_ACCESS_KEY": f"outage-{uuid.uuid4().hex}"}
        self.endpoint = f"http://127.0.0.1:{ports['S3']}"

    def _script(self, command: str) -> None:
        subprocess.run([str(SCRIPT), command, str(self.directory)], env=self.env, check=True,
                       capture_output=True, timeout=60)

    def start(self) -> None:
        self._script("start")

    def stop(self) -> None:
        self._script("stop")

    def client(self) -> Any:
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"])


@pytest.fixture
def own_s3(s3_endpoint: str, tmp_path: Path) -> Iterator[SeaweedFS]:
    if not WEED.exists():
        message = f"SeaweedFS not installed at {WEED} (pip install -r requirements-ci.txt)"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: this test must run, not skip)")
        pytest.skip(message)
    server = SeaweedFS(tmp_path / "seaweedfs")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def objects_in(s3: Any, bucket: str) -> dict[str, str]:
    """{key: sha256} of every generated object in the bucket."""
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="generated/"):
        for item in page.get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            found[item["Key"]] = hashlib.sha256(body).hexdigest()
    return found


def test_s3_down_for_20_seconds_mid_batch_stores_every_image_once(acme, env, workers,
                                                                 to_workers, own_s3):
    bucket = f"atelier-outage-{uuid.uuid4().hex[:8]}"
    own_s3.client().create_bucket(Bucket=bucket)
    env.update({"ATELIER_BUCKET": bucket, "AWS_ENDPOINT_URL_S3": own_s3.endpoint,
                "AWS_ACCESS_KEY_ID": own_s3.env["AWS_ACCESS_KEY_ID"],
                "AWS_SECRET_ACCESS_KEY": own_s3.env["AWS_SECRET_ACCESS_KEY"],
                "AWS_REGION": "us-east-1", "ATELIER_LOCAL_LATENCY_MS": "100"})
    priced(acme.tenant, "local")
    workers.start(threads=3)
    workers.start(threads=3)
    started = time.monotonic()
    batch = catalog_batch(acme.tenant, rows=ROWS, n=N)
    ids = batch_job_ids(batch)

    made = Asset.unscoped.filter(job_id__in=ids)
    wait_until(lambda: made.count() >= OUTAGE_AT * ROWS * N, 120, "the first images")
    own_s3.stop()
    stopped = time.monotonic()
    time.sleep(2)  # an image stored just before the stop may still be being recorded
    during = made.count()
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
    assert made.count() == during, "nothing can be recorded while its bytes cannot be stored"
    own_s3.start()

    wait_for_jobs(ids, 150, workers)
    retried = Job.unscoped.filter(pk__in=ids, attempts__gte=2).count()
    print(f"{ROWS * N} images in {time.monotonic() - started:.0f} s with S3 down "
          f"{OUTAGE_SECONDS} s; {retried} jobs retried")
    assert retried >= 1
    assert_promise_kept(acme.tenant, ids, objects=objects_in(own_s3.client(), bucket),
                        unit_price=UNIT_PRICE)
