"""Rows a finished batch leaves, without running it: jobs succeeded, images approved (drafts)
with their renditions."""

from __future__ import annotations

from typing import Any

from assets.models import Asset, Rendition
from generation import batch_progress
from generation.batches import submit_batch
from generation.models import Batch, Job
from tests.api.conftest import RENDITIONS


def catalog_csv(rows: int) -> bytes:
    return ("sku,prompt,n\n" + "".join(f"SKU-{i},a lamp number {i},1\n"
                                       for i in range(rows))).encode()


def deliver(job: Job, *, moderation: str = Asset.Moderation.APPROVED,
            stage: str = Asset.Stage.DRAFT) -> list[Asset]:
    """The job succeeded with its images stored (and their renditions when approved)."""
    Job.unscoped.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED)
    tenant = job.tenant
    made = Asset.objects.for_tenant(tenant).bulk_create([Asset(
        job=job, index=index, model_key=job.model_key, model_id="atelier.local-v1",
        operation="text_to_image", parameters={"prompt": job.prompt}, seed=100 + index,
        storage_key=f"generated/{tenant.slug}/{job.pk}/{index}.png",
        sha256=f"{index:064x}", bytes=1000, width=512, height=512, format="png", stage=stage,
        moderation_status=moderation) for index in range(job.n)])
    if moderation == Asset.Moderation.APPROVED:
        Rendition.objects.for_tenant(tenant).bulk_create([Rendition(
            asset=asset, kind=kind, format=fmt, width=width, height=width, bytes=100,
            storage_key=f"renditions/{tenant.slug}/{asset.pk}/{name}.{fmt}")
            for asset in made for kind, fmt, width, name in RENDITIONS])
    return made


def delivered_batch(tenant: Any, rows: int, *, finish: bool = True) -> Batch:
    """A batch of `rows` one-image rows on the local model; `finish`: every job delivered
    and the batch completed (else all still queued)."""
    batch = submit_batch(tenant, csv_data=catalog_csv(rows), model="local")
    if finish:
        for job in Job.objects.for_tenant(tenant).filter(batch=batch):
            deliver(job)
        batch_progress.complete_if_done(batch.pk)
    batch.refresh_from_db()
    return batch
