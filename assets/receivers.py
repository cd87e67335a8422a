"""What the assets app does when something happens elsewhere (core/events.py)."""

from __future__ import annotations

from assets import services
from assets.models import Asset
from core.events import AssetModerated, JobFinished, subscribe

BATCH_RENDITIONS_DELAY_MS = 5_000


@subscribe(AssetModerated)
def deliver_or_withdraw(event: AssetModerated) -> None:
    """Approved: renditions are queued (after the commit), or when the job finishes if its
    run is still making other images, so rendering does not compete with them for the
    worker's CPU. Rejected: the object is quarantined or deleted and its renditions go."""
    if event.status == Asset.Moderation.APPROVED and not event.job_running:
        services.queue_renditions(Asset.unscoped.get(pk=event.asset_id))
    elif event.status == Asset.Moderation.REJECTED:
        services.withdraw(Asset.unscoped.get(pk=event.asset_id))


@subscribe(JobFinished)
def render_the_jobs_images(event: JobFinished) -> None:
    """The renditions of every image the job's run approved, now that its run is over; a
    batch's a few seconds later. A batch's jobs finish in bursts, a quota window's worth of
    calls answered together: its renditions wait for the burst's other images to be stored
    rather than compete with them for the worker's CPU (docs/benchmarks.md, "Batch
    throughput against a Bedrock quota")."""
    services.queue_job_renditions(event.job_id,
                                  delay_ms=BATCH_RENDITIONS_DELAY_MS if event.batch_id else None)
