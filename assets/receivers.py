"""What the assets app does when something happens elsewhere (core/events.py)."""

from __future__ import annotations

from assets import services
from assets.models import Asset
from core.events import AssetModerated, JobFinished, subscribe


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
    """The renditions of every image the job's run approved, now that its run is over."""
    services.queue_job_renditions(event.job_id)
