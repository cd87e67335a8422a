"""A batch's results by SKU (docs/batches.md, "Progress and results"): a row is one job, or,
with packshots, one job per preset.

Results are paged by SKU rather than by job, so that a SKU's packshots never straddle two
pages. A row's status is its jobs' taken together; a packshot's compliance is its image's, as
checked when it was stored (Asset.compliance). The ZIP keeps a folder per SKU, and a
packshot's image goes into a folder per preset inside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet

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
    """A row's status from its jobs': theirs when they agree; else running while any is,
    partially_succeeded when some delivered, failed when none did."""
    if len(set(statuses)) == 1:
        return statuses[0]
    if any(status in Job.ACTIVE for status in statuses):
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
    """A row's packshots by preset (job, status, error, compliance); None for another row."""
    if not all(preset_of(job) for job in jobs):
        return None
    found = {}
    for job in jobs:
        passed, failed = compliance_of(job.approved_assets)  # type: ignore[attr-defined]  # batches.results() prefetches
        found[str(preset_of(job))] = {"job": str(job.pk), "status": job.status,
                                      "error": job_error(job), "passed": passed,
                                      "failed": failed}
    return found


def sku_folders() -> Callable[[Asset], str]:
    """For assets.archives.build: each image in a folder named by its SKU (annotated as `sku`
    by batches.batch_assets), made safe as a path (no separators, no `..`), a packshot in a
    folder of its preset inside it; two SKUs that read the same once made safe keep apart by
    the id of the first job of each."""
    taken: dict[str, str] = {}  # safe name -> the SKU that has it
    folders: dict[str, str] = {}  # SKU -> its folder

    def folder(asset: Asset) -> str:
        sku: str = asset.sku  # type: ignore[attr-defined]  # batch_assets() annotates sku
        if sku not in folders:
            safe = _safe(sku, "sku")
            if taken.setdefault(safe, sku) != sku:
                safe = f"{safe}~{str(asset.job_id)[:8]}"
            folders[sku] = safe
        return f"{folders[sku]}/{_safe(asset.preset, 'preset')}" if asset.preset else folders[sku]

    return folder


def _safe(name: str, fallback: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name).strip("._") or fallback
