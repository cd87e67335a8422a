"""A batch's progress, read from its jobs (the rows are the truth), and its completion.

The batch row stores only what was accepted; counts, progress, status and the packshots'
compliance summary are computed with grouped queries, so no counter can drift. When the last
job finishes, one conditional UPDATE sets `completed_at`, so exactly one finisher emits
`batch.completed`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Value, When
from django.db.models.fields.json import KeyTextTransform
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


class Made:
    """A batch's images made (delivered or waiting for review; rejected ones are not made)
    and, per preset its packshots were made for, how many SKUs have an approved image that
    passes the preset's compliance check and how many one that fails it."""

    def __init__(self) -> None:
        self.images = 0
        self.checked: dict[str, dict[str, int]] = {}


def images_made(batch_ids: Iterable[Any]) -> dict[Any, Made]:
    """Made per batch, with one grouped query."""
    rows = (Asset.unscoped.filter(job__batch_id__in=list(batch_ids))
            .exclude(moderation_status=Asset.Moderation.REJECTED)
            .values("job__batch_id", "moderation_status", "preset", "compliant")
            .annotate(images=Count("id")).order_by())
    found: dict[Any, Made] = defaultdict(Made)
    for row in rows:
        made = found[row["job__batch_id"]]
        made.images += row["images"]
        if (row["preset"] and row["compliant"] is not None
                and row["moderation_status"] == Asset.Moderation.APPROVED):
            verdicts = made.checked.setdefault(row["preset"], {"passed": 0, "failed": 0})
            verdicts["passed" if row["compliant"] else "failed"] += row["images"]
    return found


def counts_and_presets(batch_ids: Iterable[Any]
                       ) -> tuple[dict[Any, dict[str, int]], dict[Any, dict[str, int]]]:
    """counts(), and per batch how many of its rows asked for a packshot for each preset (a
    job each), with one grouped query: a packshot's preset is read from its parameters, no
    other job's are."""
    preset = Case(When(operation="packshot", then=KeyTextTransform("preset", "params")),
                  default=Value(""), output_field=CharField())
    rows = (Job.unscoped.filter(batch_id__in=list(batch_ids)).annotate(preset=preset)
            .values("batch_id", "status", "preset").annotate(jobs=Count("id")).order_by())
    by_status: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    asked: dict[Any, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_status[row["batch_id"]][row["status"]] += row["jobs"]
        if row["preset"]:
            presets = asked[row["batch_id"]]
            presets[row["preset"]] = presets.get(row["preset"], 0) + row["jobs"]
    return by_status, asked


def compliance(asked: dict[str, int], made: Made) -> dict[str, dict[str, int]]:
    """Per preset: the SKUs that asked for it, those whose image passes it, those whose image
    fails it, and those without an approved image (yet, or at all)."""
    summary = {}
    for preset, skus in sorted(asked.items()):
        verdicts = made.checked.get(preset, {"passed": 0, "failed": 0})
        summary[preset] = {"skus": skus, **verdicts,
                           "no_image": skus - verdicts["passed"] - verdicts["failed"]}
    return summary


def unfinished(jobs: dict[str, int]) -> int:
    """Jobs not ended: waiting for the job before them, queued or running."""
    return sum(jobs[status] for status in Job.UNFINISHED)


def status_of(jobs: dict[str, int]) -> str:
    """queued (nothing started), running, completed, or canceled (ended with canceled jobs)."""
    if unfinished(jobs):
        not_started = jobs[Job.Status.QUEUED] + jobs[Job.Status.WAITING]
        return "queued" if not_started == sum(jobs.values()) else "running"
    return "canceled" if jobs[Job.Status.CANCELED] else "completed"


def describe(batch: Batch, jobs: dict[str, int], made: Made,
             asked: dict[str, int] | None = None) -> dict[str, Any]:
    """The batch as the API, the CLI and the `batch.completed` event show it; `asked`: the
    SKUs per preset its packshots were asked for (counts_and_presets)."""
    total = sum(jobs.values())
    finished = total - unfinished(jobs)
    return {
        "id": str(batch.pk), "name": batch.name, "status": status_of(jobs),
        "source": batch.source, "template": str(batch.template_id) if batch.template_id
        else None, "items": batch.items, "jobs": total, "images": batch.images,
        "images_made": made.images, "counts": jobs,
        "progress": round(finished / total, 4) if total else 1.0,
        "compliance": compliance(asked or {}, made),
        "estimated_cost_usd": str(batch.estimated_cost_usd.quantize(Decimal("0.0001"))),
        "created_at": batch.created_at.isoformat(),
        "completed_at": batch.completed_at.isoformat() if batch.completed_at else None,
    }


def describe_many(batches: list[Batch]) -> list[dict[str, Any]]:
    """describe() for a page of batches with two queries in all."""
    ids = [batch.pk for batch in batches]
    (by_batch, asked), made = counts_and_presets(ids), images_made(ids)
    return [describe(batch, by_batch[batch.pk], made[batch.pk], asked.get(batch.pk))
            for batch in batches]


def complete_if_done(batch_id: Any) -> bool:
    """Mark the batch completed if none of its jobs is waiting, queued or running; True for
    the one call that did it (which then emits `batch.completed`)."""
    if Job.unscoped.filter(batch_id=batch_id, status__in=Job.UNFINISHED).exists():
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
    active = Job.unscoped.filter(batch=OuterRef("pk"), status__in=Job.UNFINISHED)
    done = (Batch.unscoped.filter(completed_at__isnull=True).exclude(Exists(active))
            .values_list("pk", flat=True)[:limit])
    return [str(batch_id) for batch_id in done if complete_if_done(batch_id)]


def job_finished(job: Job) -> None:
    """Called when any job ends: its batch may be done."""
    if job.batch_id is not None:
        complete_if_done(job.batch_id)
