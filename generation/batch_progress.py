"""A batch's progress, read from its jobs (the rows are the truth), and its completion.

The batch row stores only what was accepted; counts, progress and status are computed with
one grouped query, so no counter can drift. When the last job finishes, one conditional
UPDATE sets `completed_at`, so exactly one finisher emits `batch.completed`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from assets.models import Asset
from core import events
from core.events import BatchCompleted
from generation.models import Batch, Job

STATUSES = tuple(Job.Status.values)


def counts(batch_ids: Iterable[Any]) -> dict[Any, dict[str, int]]:
    """Jobs per status (every status present, zeros included) for each batch."""
    found: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    rows = (Job.unscoped.filter(batch_id__in=list(batch_ids)).values("batch_id", "status")
            .annotate(jobs=Count("id")).order_by())
    for row in rows:
        found[row["batch_id"]][row["status"]] = row["jobs"]
    return found


def images_made(batch_ids: Iterable[Any]) -> dict[Any, int]:
    """Images delivered or waiting for review (rejected ones are not made) per batch."""
    rows = (Asset.unscoped.filter(job__batch_id__in=list(batch_ids))
            .exclude(moderation_status=Asset.Moderation.REJECTED)
            .values("job__batch_id").annotate(images=Count("id")).order_by())
    return {row["job__batch_id"]: row["images"] for row in rows}


def status_of(batch: Batch, jobs: dict[str, int]) -> str:
    """queued (nothing started), running, completed, or canceled (ended with canceled jobs)."""
    active = jobs[Job.Status.QUEUED] + jobs[Job.Status.RUNNING]
    if active:
        return "queued" if jobs[Job.Status.QUEUED] == batch.items else "running"
    return "canceled" if jobs[Job.Status.CANCELED] else "completed"


def describe(batch: Batch, jobs: dict[str, int], made: int) -> dict[str, Any]:
    """The batch as the API, the CLI and the `batch.completed` event show it."""
    finished = batch.items - jobs[Job.Status.QUEUED] - jobs[Job.Status.RUNNING]
    return {
        "id": str(batch.pk), "name": batch.name, "status": status_of(batch, jobs),
        "source": batch.source, "template": str(batch.template_id) if batch.template_id
        else None, "items": batch.items, "images": batch.images, "images_made": made,
        "counts": jobs, "progress": round(finished / batch.items, 4) if batch.items else 1.0,
        "estimated_cost_usd": str(batch.estimated_cost_usd.quantize(Decimal("0.0001"))),
        "created_at": batch.created_at.isoformat(),
        "completed_at": batch.completed_at.isoformat() if batch.completed_at else None,
    }


def describe_many(batches: list[Batch]) -> list[dict[str, Any]]:
    """describe() for a page of batches with two queries in all."""
    ids = [batch.pk for batch in batches]
    by_batch, made = counts(ids), images_made(ids)
    return [describe(batch, by_batch[batch.pk], made.get(batch.pk, 0)) for batch in batches]


def complete_if_done(batch_id: Any) -> bool:
    """Mark the batch completed if none of its jobs is queued or running; True for the one
    call that did it (which then emits `batch.completed`)."""
    if Job.unscoped.filter(batch_id=batch_id, status__in=Job.ACTIVE).exists():
        return False
    done = Batch.unscoped.filter(pk=batch_id, completed_at__isnull=True).update(
        completed_at=timezone.now())
    if not done:
        return False
    batch = Batch.unscoped.only("tenant_id").get(pk=batch_id)
    events.publish(BatchCompleted(batch_id=str(batch_id), tenant_id=batch.tenant_id))
    return True


def complete_stragglers(limit: int = 100) -> list[str]:
    """Complete the batches whose last job ended without completing them (its worker died
    in between); the sweep calls this. Returns their ids."""
    active = Job.unscoped.filter(batch=OuterRef("pk"), status__in=Job.ACTIVE)
    done = (Batch.unscoped.filter(completed_at__isnull=True).exclude(Exists(active))
            .values_list("pk", flat=True)[:limit])
    return [str(batch_id) for batch_id in done if complete_if_done(batch_id)]


def job_finished(job: Job) -> None:
    """Called when any job ends: its batch may be done."""
    if job.batch_id is not None:
        complete_if_done(job.batch_id)
