"""What the API does when something happens elsewhere (core/events.py): outgoing webhooks."""

from __future__ import annotations

from api import webhooks
from assets.models import Asset
from core.events import AssetModerated, BatchCompleted, JobFellBack, JobFinished, subscribe
from generation.models import Batch, Job


@subscribe(AssetModerated)
def announce_moderation(event: AssetModerated) -> None:
    """One `asset.approved` / `asset.rejected` per transition."""
    if event.changed:
        webhooks.asset_moderated(Asset.unscoped.select_related("tenant", "job").get(
            pk=event.asset_id))


@subscribe(JobFinished)
def announce_job(event: JobFinished) -> None:
    """`job.succeeded` / `job.failed` / `job.blocked`, once per job."""
    webhooks.job_finished(Job.unscoped.select_related("tenant").get(pk=event.job_id),
                          event.status)


@subscribe(JobFellBack)
def announce_fallback(event: JobFellBack) -> None:
    """`job.fallback` when a job runs on its fallback model."""
    webhooks.job_fell_back(Job.unscoped.select_related("tenant").get(pk=event.job_id))


@subscribe(BatchCompleted)
def announce_batch(event: BatchCompleted) -> None:
    webhooks.batch_completed(Batch.unscoped.select_related("tenant").get(pk=event.batch_id))
