"""A batch's results by SKU (docs/batches.md, "Progress and results"): a row is one job, or,
with packshots, one job per preset, and with scenes and formats a chain of jobs.

Results are paged by SKU rather than by job, so that a SKU's packshots never straddle two
pages. A row's status is its jobs' taken together; a packshot's compliance is its image's, as
checked when it was stored (Asset.compliance). The ZIP keeps a folder per SKU, and a
packshot's image goes into a folder per preset inside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Case, F, Prefetch, QuerySet, TextField, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf

from assets.models import Asset
from generation.models import Batch, Job
from tenants.models import Tenant


def skus(tenant: Tenant, batch: Batch) -> QuerySet[Job, Any]:
    """The batch's SKUs (`{"sku": …}`), each once: what the results are paged by."""
    return Job.objects.for_tenant(tenant).filter(batch=batch).values("sku").distinct()


def by_sku(jobs: Iterable[Job]) -> dict[str, list[Job]]:
    """Jobs grouped by SKU, in the order their rows made them (a row's presets in order)."""
    found: dict[str, list[Job]] = {}
    for job in sorted(jobs, key=lambda job: (job.sku, job.created_at, str(job.pk))):
        found.setdefault(job.sku, []).append(job)
    return found


def preset_of(job: Job) -> str | None:
    """The preset a packshot job was made for; None for every other job."""
    return job.params.get("preset") if job.operation == "packshot" else None


def row_status(statuses: list[str]) -> str:
    """A row's status from its jobs': theirs when they agree; else queued while none has
    started (some wait for the others), running while any is not finished,
    partially_succeeded when some delivered, failed when none did."""
    if len(set(statuses)) == 1:
        return statuses[0]
    if all(status in (Job.Status.QUEUED, Job.Status.WAITING) for status in statuses):
        return Job.Status.QUEUED
    if any(status in Job.UNFINISHED for status in statuses):
        return Job.Status.RUNNING
    if any(status in Job.DELIVERED for status in statuses):
        return Job.Status.PARTIALLY_SUCCEEDED
    return Job.Status.FAILED


def job_error(job: Job) -> dict[str, str] | None:
    return {"code": job.error_code, "message": job.error_message} if job.error_code else None


def compliance_of(assets: list[Asset]) -> tuple[bool | None, list[str]]:
    """A packshot's verdict from its approved image: passed (None: no checked image yet) and
    the rules it failed."""
    checked = next((asset for asset in assets if asset.compliant is not None), None)
    if checked is None:
        return None, []
    return bool(checked.compliant), list(checked.compliance.get("failed", []))


def packshots(jobs: list[Job]) -> dict[str, dict[str, Any]] | None:
    """A row's packshots by preset (job, status, error, compliance); None for a row without."""
    if not any(preset_of(job) for job in jobs):
        return None
    found = {}
    for job in (job for job in jobs if preset_of(job)):
        passed, failed = compliance_of(job.approved_assets)  # type: ignore[attr-defined]  # results() prefetches
        found[str(preset_of(job))] = {"job": str(job.pk), "status": job.status,
                                      "error": job_error(job), "passed": passed,
                                      "failed": failed}
    return found


def steps(jobs: list[Job]) -> list[dict[str, Any]] | None:
    """A row that made several jobs (packshots, a chain of scenes and formats): each job with
    what it makes (operation, preset, scene, ad format), the job it starts from (`after`),
    its status and error; None for a row of one job."""
    if len(jobs) < 2:
        return None
    scenes = {job.pk: job.params.get("scene") for job in jobs if job.operation == "scene"}
    return [{"job": str(job.pk), "operation": job.operation, "preset": preset_of(job),
             "scene": scene_of(job, scenes), "format": format_of(job),
             "after": None if job.after_id is None else str(job.after_id),
             "status": job.status, "error": job_error(job)} for job in jobs]


def scene_of(job: Job, scenes: dict[Any, str | None]) -> str | None:
    """The scene a job made, or (an ad format of a scene) the scene it extends."""
    if job.operation == "scene":
        return scenes.get(job.pk)
    return scenes.get(job.after_id) if job.after_id is not None else None


def format_of(job: Job) -> str | None:
    """The ad format (aspect ratio) an outpaint job extends its image to."""
    return job.request.get("aspect_ratio") if job.operation == "outpaint" else None


def sku_folders() -> Callable[[Asset], str]:
    """For assets.archives.build: each image in a folder named by its SKU (annotated as `sku`
    by batch_assets), made safe as a path (no separators, no `..`), a packshot in a
    folder of its preset inside it, a scene in one of its scene, an ad format in one of its
    ratio (`16x9`) inside its scene's (annotated as `scene_key`, `ad_format`); two SKUs that
    read the same once made safe keep apart by the id of the first job of each."""
    taken: dict[str, str] = {}  # safe name -> the SKU that has it
    folders: dict[str, str] = {}  # SKU -> its folder

    def folder(asset: Asset) -> str:
        sku: str = asset.sku  # type: ignore[attr-defined]  # batch_assets() annotates sku
        if sku not in folders:
            safe = _safe(sku, "sku")
            if taken.setdefault(safe, sku) != sku:
                safe = f"{safe}~{str(asset.job_id)[:8]}"
            folders[sku] = safe
        inside = [asset.preset, getattr(asset, "scene_key", ""),
                  (getattr(asset, "ad_format", "") or "").replace(":", "x")]
        return "/".join([folders[sku], *(_safe(part, "step") for part in inside if part)])

    return folder


def _safe(name: str, fallback: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name).strip("._") or fallback


def results(tenant: Tenant, batch: Batch) -> QuerySet[Job]:
    """The batch's jobs in SKU order (a row's packshots share its SKU: page by
    skus), each with its approved images as `approved_assets`."""
    approved = Asset.objects.for_tenant(tenant).filter(
        moderation_status=Asset.Moderation.APPROVED).order_by("index").prefetch_related(
        "renditions")
    return Job.objects.for_tenant(tenant).filter(batch=batch).order_by("sku").prefetch_related(
        Prefetch("assets", queryset=approved, to_attr="approved_assets"))


# A scene's key, or an ad format's scene (the job it starts from); an ad format's ratio.
SCENE_KEY = Coalesce(NullIf(KeyTextTransform("scene", "job__params"), Value("")),
                     KeyTextTransform("scene", "job__after__params"), Value(""),
                     output_field=TextField())
AD_FORMAT = Case(When(job__operation="outpaint", then=Coalesce(
    KeyTextTransform("aspect_ratio", "job__request"), Value(""), output_field=TextField())),
    default=Value(""), output_field=TextField())


def batch_assets(tenant: Tenant, batch_id: Any, *, stage: str | None = None
                 ) -> tuple[Batch, QuerySet[Asset]]:
    """The batch's images cleared for delivery, by SKU, job and index, each with its `sku`,
    its `scene_key` and its `ad_format` (blank when it has none)."""
    batch = Batch.objects.owned_or_404(tenant, batch_id)
    assets = Asset.objects.for_tenant(tenant).filter(
        job__batch=batch, moderation_status=Asset.Moderation.APPROVED).annotate(
        sku=F("job__sku"), scene_key=SCENE_KEY, ad_format=AD_FORMAT).order_by(
        "job__sku", "job__created_at", "index")
    return batch, assets.filter(stage=stage) if stage else assets
