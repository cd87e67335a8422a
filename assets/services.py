"""Asset rules: storing generated images once per (job, index), and finding a tenant's assets."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from assets.keys import generated_key
from assets.models import Asset
from config.errors import NotFound

if TYPE_CHECKING:
    from generation.models import Job
    from generation.providers.base import GeneratedImage
    from tenants.models import Tenant


def store_generated_image(job: Job, index: int, image: GeneratedImage,
                          parameters: dict[str, Any]) -> Asset:
    """Write the original bytes untouched, then record the asset.

    The key is the same on every attempt, so a retried or re-run job overwrites its own object
    and the (job, index) constraint keeps one asset row: running a job twice never duplicates.
    """
    key = generated_key(job.tenant.slug, job.prompt, job.pk, index, image.seed, image.format)
    stored_key = default_storage.save(key, ContentFile(image.data))
    asset, _ = Asset.objects.for_tenant(job.tenant).get_or_create(
        job=job, index=index,
        defaults={
            "model_key": job.model_key, "model_id": job.model_id, "operation": job.operation,
            "parameters": parameters, "seed": image.seed, "storage_key": stored_key,
            "sha256": hashlib.sha256(image.data).hexdigest(), "bytes": len(image.data),
            "width": image.width, "height": image.height, "format": image.format,
            "stage": job.stage,
        },
    )
    return asset


def get_asset(tenant: Tenant, asset_id: Any) -> Asset:
    """The tenant's asset, or NotFound: another tenant's asset does not exist for this one."""
    asset = Asset.objects.owned(tenant, asset_id)
    if asset is None:
        raise NotFound("asset: no such asset", field="asset")
    return asset


def open_deliverable(storage_key: str) -> tuple[Asset, Any] | None:
    """The asset stored under this key and an open file, if it is still cleared for delivery."""
    asset = Asset.unscoped.filter(storage_key=storage_key).first()
    if asset is None or not asset.deliverable or not default_storage.exists(storage_key):
        return None
    return asset, default_storage.open(storage_key, "rb")
