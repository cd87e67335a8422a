"""Jobs that start from another job's image (a batch row's chain: generation/batch_chains.py).

A chained job is created `waiting`, priced and held, with `after` naming the job whose first
approved image will be its source. When that job ends (JobFinished: generation/receivers.py),
its waiting jobs either get that image and are queued, or, when it delivered no approved image
(it failed, was blocked or canceled, or moderation rejected its image or holds it for review),
are canceled with every job waiting after them, naming the job and why, and their holds are
released: nothing is charged for them. Each waiting job is moved by one conditional UPDATE
under a row lock, so a second delivery of the event changes and enqueues nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assets.models import Asset
from billing import services as billing
from core import tasks
from generation.models import Job

log = logging.getLogger("atelier.jobs")
SOURCE_UNAVAILABLE = "source_unavailable"  # the error code of a chained job that never ran
# Why a job that ended gives its waiting jobs no source, by its status.
NO_SOURCE: dict[str, str] = {
    Job.Status.FAILED: "failed",
    Job.Status.BLOCKED: "was blocked",
    Job.Status.CANCELED: "was canceled",
}
# Why a job that delivered gives none, by its first image's moderation status.
NOT_APPROVED: dict[str, str] = {
    Asset.Moderation.PENDING_REVIEW: "its image waits for a moderator's review",
    Asset.Moderation.REJECTED: "its image was rejected by moderation",
}


def job_ended(job_id: Any) -> int:
    """Start (or cancel) the jobs waiting for `job_id`, now that it has ended; the number of
    jobs started. Safe to call more than once: only waiting jobs move."""
    with transaction.atomic():
        waiting = list(Job.unscoped.select_for_update().filter(
            after_id=job_id, status=Job.Status.WAITING).order_by("created_at", "pk"))
        if not waiting:  # most jobs: nothing waits for them (one query)
            return 0
        job = Job.unscoped.filter(pk=job_id).only(
            "pk", "tenant_id", "status", "operation", "error_message").first()
        if job is None or job.status in Job.UNFINISHED:
            return 0
        source, why = _source(job)
        if source is None:
            cancel_waiting(job, why)
            return 0
        started = [child for child in waiting if _start(child, source)]
        for child in started:
            tasks.send("run_job_actor", str(child.pk))
    if started:
        log.info("job %s delivered: %d job(s) after it queued", job.pk, len(started))
    return len(started)


def _source(job: Job) -> tuple[Asset | None, str]:
    """The image the job's waiting jobs start from (its first approved one), or why none."""
    if job.status in NO_SOURCE:
        detail = f": {job.error_message}" if job.error_message else ""
        return None, f"{NO_SOURCE[job.status]}{detail}"
    images = Asset.unscoped.filter(job_id=job.pk).order_by("index")
    approved = images.filter(moderation_status=Asset.Moderation.APPROVED).first()
    if approved is not None:
        return approved, ""
    held = images.exclude(moderation_status=Asset.Moderation.APPROVED).first()
    if held is not None:
        return None, NOT_APPROVED.get(held.moderation_status, "it has no approved image")
    return None, f"ended {job.status} without an image"


def _start(child: Job, source: Asset) -> bool:
    """The waiting job with its source, queued; False when it no longer waits."""
    request = {**child.request, "images": [str(source.pk)]}
    return bool(Job.unscoped.filter(pk=child.pk, status=Job.Status.WAITING).update(
        status=Job.Status.QUEUED, source_asset=source, request=request,
        enqueued_at=timezone.now()))


def cancel_waiting(job: Job, why: str) -> int:
    """Cancel every job waiting after `job` (and after those), saying which job they waited
    for and why it gave them nothing, and release their holds; the number canceled."""
    ids = list(_descendants(job.pk))
    if not ids:
        return 0
    message = (f"not started: it starts from the image of the {job.operation} job {job.pk}, "
               f"which {why}")
    with transaction.atomic():
        canceled = Job.unscoped.filter(pk__in=ids, status=Job.Status.WAITING).update(
            status=Job.Status.CANCELED, finished_at=timezone.now(),
            error_code=SOURCE_UNAVAILABLE, error_message=message[:2000])
        billing.release_jobs(job.tenant,
                             Job.unscoped.filter(pk__in=ids, status=Job.Status.CANCELED))
    log.info("job %s gave no source: %d waiting job(s) canceled (%s)", job.pk, canceled, why)
    return canceled


def _descendants(job_id: Any) -> list[Any]:
    """The waiting jobs after `job_id`, and after them, to the end of the chain."""
    found: list[Any] = []
    frontier = [job_id]
    while frontier:
        frontier = list(_waiting_after(frontier))
        found += frontier
    return found


def _waiting_after(ids: list[Any]) -> QuerySet[Job, Any]:
    return Job.unscoped.filter(after_id__in=ids, status=Job.Status.WAITING).values_list(
        "pk", flat=True)




def sweep_waiting(limit: int = 100) -> int:
    """Move the waiting jobs whose job before them ended without moving them (its worker died
    between the two), and cancel those whose job before was deleted; the number started.
    The stale-job sweep calls this."""
    waiting = Job.unscoped.filter(status=Job.Status.WAITING).order_by()
    started = 0
    ended = waiting.filter(after__isnull=False).exclude(after__status__in=Job.UNFINISHED)
    for before in ended.values_list("after_id", flat=True).distinct()[:limit]:
        started += job_ended(before)
    for job in waiting.filter(after__isnull=True).select_related("tenant")[:limit]:
        with transaction.atomic():
            if Job.unscoped.filter(pk=job.pk, status=Job.Status.WAITING).update(
                    status=Job.Status.CANCELED, finished_at=timezone.now(),
                    error_code=SOURCE_UNAVAILABLE,
                    error_message="not started: the job it starts from no longer exists"):
                billing.release(job)  # the jobs after it are canceled by the next sweep
    return started
