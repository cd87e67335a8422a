"""Worker processes SIGKILLed again and again in the middle of a 200-image catalog batch: every
job still finishes, with exactly its images, each stored once and charged once.

Two worker process groups share the batch; at 15, 30, 45 and 60 % of the images the older
group is killed (the Dramatiq parent and its children, no chance to clean up) and a fresh one
started, and the last time both are killed at once. The jobs they held keep their lapsed
leases until the sweep of a surviving or restarted worker enqueues them again; the messages
they had prefetched are found by the queued-too-long sweep.
"""

from __future__ import annotations

import time

import pytest

from assets.models import Asset
from generation.models import Job
from tests.helpers import wait_until

from .harness import UNIT_PRICE, batch_job_ids, catalog_batch, priced, wait_for_jobs
from .invariants import assert_promise_kept, generated_objects_on_disk

pytestmark = [pytest.mark.reliability, pytest.mark.redis, pytest.mark.postgres]

ROWS, N = 50, 4  # 200 images
KILL_AT = (0.15, 0.30, 0.45, 0.60)


def test_workers_killed_mid_batch_leave_every_job_done_exactly_once(acme, env, workers,
                                                                    to_workers):
    env.update(ATELIER_LOCAL_LATENCY_MS="150")  # each image is a call in flight for a while
    priced(acme.tenant, "local")
    groups = [workers.start(threads=3), workers.start(threads=3)]
    started = time.monotonic()
    batch = catalog_batch(acme.tenant, rows=ROWS, n=N)
    ids = batch_job_ids(batch)
    made = Asset.unscoped.filter(job_id__in=ids)

    for number, share in enumerate(KILL_AT, 1):
        wait_until(lambda share=share: made.count() >= share * ROWS * N, 150,
                   f"{share:.0%} of the images")
        if number < len(KILL_AT):
            workers.kill(groups.pop(0))
            groups.append(workers.start(threads=3))
        else:  # everything dies at once: only the sweep of the next workers can recover
            for group in groups:
                workers.kill(group)
            groups = [workers.start(threads=3), workers.start(threads=3)]

    wait_for_jobs(ids, 150, workers)
    elapsed = time.monotonic() - started
    interrupted = Job.unscoped.filter(pk__in=ids, attempts__gte=2).count()
    print(f"{ROWS * N} images in {elapsed:.0f} s; {interrupted} jobs resumed after a kill")
    assert interrupted >= 2, "the kills should have landed in the middle of jobs"
    assert_promise_kept(acme.tenant, ids, objects=generated_objects_on_disk(ids),
                        unit_price=UNIT_PRICE)
