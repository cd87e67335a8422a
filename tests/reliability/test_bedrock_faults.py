"""Bedrock failing under a catalog batch: one call in ten answered 500 or 503, and the account's
real quota only half of what Atelier was told (ATELIER_MODEL_RPM__...), so that Atelier's own
limiter lets through twice what Bedrock accepts and gets throttled. Every job still succeeds;
every call, failed or not, is a ProviderAttempt; no image is made or charged twice.

The worker processes call the Bedrock double (tests/fakes/bedrock.py) in this process through
the real boto3 client (AWS_ENDPOINT_URL_BEDROCK_RUNTIME), with Nova 2 Omni: one image per
Converse call, so every image is one call that can fail.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import pytest

from generation.models import ProviderAttempt
from tests.fakes.bedrock import BedrockDouble

from .harness import UNIT_PRICE, batch_job_ids, catalog_batch, priced, wait_for_jobs
from .invariants import assert_promise_kept, generated_objects_on_disk

pytestmark = [pytest.mark.reliability, pytest.mark.redis, pytest.mark.postgres]

MODEL, MODEL_ID = "nova-2-omni", "amazon.nova-2-omni-v1:0"
IMAGES = 80
ATELIER_RPM = 360  # what Atelier is told: 6 calls a second
QUOTA_WINDOW, QUOTA_CALLS = 5.0, 15  # what Bedrock accepts: 3 a second, half of it
FAULT_RATE = 0.10


@pytest.fixture
def bedrock_faults() -> Iterator[BedrockDouble]:
    double = BedrockDouble(latency=0.3).start()
    double.seed = 9
    double.fault_rate = FAULT_RATE
    double.rpm_window, double.rpm[MODEL_ID] = QUOTA_WINDOW, QUOTA_CALLS
    try:
        yield double
    finally:
        double.stop()


def test_5xx_and_throttling_end_with_every_job_succeeded_and_charged_once(
        acme, env, workers, to_workers, bedrock_faults):
    env.update({
        "ATELIER_PROVIDER": "bedrock",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": bedrock_faults.url,
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        f"ATELIER_MODEL_RPM__{MODEL.upper().replace('-', '_')}": str(ATELIER_RPM),
        "ATELIER_THROTTLE_PENALTY_SECONDS": "1",
        # Nova 2 Omni is a preview model: without this the workers refuse it before any call.
        "ATELIER_PREVIEW_MODELS": "true",
    })
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK"):
        env.pop(name, None)
    priced(acme.tenant, MODEL)
    workers.start(threads=4)
    workers.start(threads=4)
    started = time.monotonic()
    batch = catalog_batch(acme.tenant, rows=IMAGES, n=1, model=MODEL, size="256x256",
                          seeded=False)
    ids = batch_job_ids(batch)

    wait_for_jobs(ids, 170, workers)
    elapsed = time.monotonic() - started
    attempts = list(ProviderAttempt.unscoped.filter(job_id__in=ids))
    outcomes = Counter(attempt.outcome for attempt in attempts)
    retries = Counter(Counter(attempt.job_id for attempt in attempts).values())
    print(f"{IMAGES} images in {elapsed:.0f} s; calls {len(attempts)}: {dict(outcomes)}; "
          f"throttled by the double {bedrock_faults.throttled}; jobs by calls made: "
          f"{dict(sorted(retries.items()))}")

    calls = [r for r in bedrock_faults.requests if r.operation == "converse"]
    assert len(attempts) == len(calls), "every call to Bedrock is recorded, failed or not"
    assert outcomes["throttled"] == bedrock_faults.throttled > 0
    server_errors = [a for a in attempts if a.http_status in (500, 503)]
    assert server_errors and all(a.retryable for a in server_errors)
    made = Counter(attempt.job_id for attempt in attempts if attempt.outcome == "ok")
    twice = [[(a.job_attempt, a.outcome, a.started_at.time(), a.waited_ms, a.duration_ms)
              for a in sorted(attempts, key=lambda a: a.started_at) if a.job_id == job_id]
             for job_id, count in made.items() if count > 1]
    assert not twice, f"images made by more than one successful call: {twice}"
    assert all(a.images == 1 for a in attempts if a.outcome == "ok")
    assert_promise_kept(acme.tenant, ids, objects=generated_objects_on_disk(ids),
                        unit_price=UNIT_PRICE)
