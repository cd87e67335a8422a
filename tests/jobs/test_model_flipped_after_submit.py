"""A job accepted before its model became uncallable (the daily fleet sync saw it leave the
Region, or it reached end of life) is not sent to Bedrock when it runs: it fails naming why,
and its hold goes back."""

from __future__ import annotations

from django.utils import timezone

from catalog import fleet
from generation.models import Job
from generation.runner import run_job
from tests.factories import JobFactory
from tests.helpers import ledger


def test_a_model_the_sync_no_longer_sees_is_not_called(acme, bedrock):
    job = JobFactory(tenant=acme.tenant, model="stable-image-core", prompt="a bag", n=2)
    held = ledger(acme.tenant).reserved_images
    fleet.store_region("us-west-2", [], timezone.now())  # synced: the model is gone
    fleet.forget()
    try:
        run_job(job.pk)
    finally:
        fleet.forget()
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "model_unavailable")
    assert "stable-image-core" in job.error_message
    assert not bedrock.requests
    assert ledger(acme.tenant).reserved_images == held - 2


def test_a_model_still_offered_runs(acme, bedrock):
    job = JobFactory(tenant=acme.tenant, model="stable-image-core", prompt="a bag", n=1)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
