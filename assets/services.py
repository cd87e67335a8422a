"""Asset rules: storing generated images once per (job, index), renditions, promotion,
deletion, and finding a tenant's assets and what may be downloaded."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from assets import rendition_links
from assets.bucket import DRAFT_TAG_KEY
from assets.keys import generated_key, prompt_hash
from assets.models import Asset, Rendition
from assets.renditions import make_rendition, make_renditions
from assets.storage import object_extras, set_tags
from core import tasks

if TYPE_CHECKING:
    from assets.compliance import Report
    from providers.base import GeneratedImage
    from tenants.models import Tenant

log = logging.getLogger("atelier.assets")


def tags_for(asset: Asset) -> dict[str, str]:
    """The object tags of an asset's objects: a lifecycle rule expires drafts (DRAFT_TAG)."""
    return {DRAFT_TAG_KEY: asset.stage, "tenant": asset.tenant.slug}


class ImageSource(Protocol):
    """What storing reads of the job that made an image (generation's Job model is one;
    assets sits below it)."""

    pk: Any
    tenant: Tenant
    prompt: str
    model_key: str
    model_id: str
    operation: str
    stage: str


def store_generated_image(job: ImageSource, index: int, image: GeneratedImage,
                          parameters: dict[str, Any], *, moderation: dict[str, Any],
                          asset_id: Any = None, provenance: dict[str, Any] | None = None,
                          compliance: Report | None = None) -> tuple[Asset, bool]:
    """Write the image and record the asset (pending review until its verdict is applied);
    the asset and whether this call created it. `compliance`: the image's check against the
    preset it was made for (a packshot's), kept with it.

    The key is the same on every attempt, so a retried or re-run job overwrites its own object
    and the (job, index) constraint keeps one asset row: running a job twice never duplicates.
    """
    key = generated_key(job.tenant.slug, job.prompt, job.pk, index, image.seed, image.format)
    metadata = {"tenant": job.tenant.slug, "job": str(job.pk), "model": job.model_id,
                "seed": "none" if image.seed is None else str(image.seed),
                "prompt-hash": prompt_hash(job.prompt)}
    tags = {DRAFT_TAG_KEY: job.stage, "tenant": job.tenant.slug}
    with object_extras(metadata=metadata, tags=tags, content_type=f"image/{image.format}"):
        stored_key = default_storage.save(key, ContentFile(image.data))
    asset, created = Asset.objects.for_tenant(job.tenant).get_or_create(
        job_id=job.pk, index=index,
        defaults={
            "model_key": job.model_key, "model_id": job.model_id, "operation": job.operation,
            "parameters": parameters, "seed": image.seed, "storage_key": stored_key,
            "sha256": hashlib.sha256(image.data).hexdigest(), "bytes": len(image.data),
            "width": image.width, "height": image.height, "format": image.format,
            "stage": job.stage, "moderation": moderation,
            "provenance": provenance or {}, **({"id": asset_id} if asset_id else {}),
            **({"preset": compliance.preset, "compliant": compliance.passed,
                "compliance": compliance.as_record()} if compliance else {}),
        },
    )
    return asset, created


def quarantine_key(key: str) -> str:
    return f"quarantine/{key}"


def withdraw(asset: Asset) -> None:
    """A rejected asset leaves delivery: its object is quarantined or deleted (setting), and
    its renditions are deleted."""
    for rendition in Rendition.unscoped.filter(asset=asset):
        default_storage.delete(rendition.storage_key)
        rendition.delete()
    if asset.storage_key.startswith("quarantine/") or not default_storage.exists(
            asset.storage_key):
        return
    if settings.ATELIER_REJECTED_ACTION == "quarantine":
        with default_storage.open(asset.storage_key, "rb") as handle:
            moved = default_storage.save(quarantine_key(asset.storage_key),
                                         ContentFile(handle.read()))
        default_storage.delete(asset.storage_key)
        asset.storage_key = moved
    else:
        default_storage.delete(asset.storage_key)
    type(asset).unscoped.filter(pk=asset.pk).update(storage_key=asset.storage_key)


def queue_renditions(asset: Asset) -> None:
    tasks.send("make_renditions_actor", str(asset.pk))


def queue_job_renditions(job_id: Any, *, delay_ms: int | None = None) -> None:
    """Queue renditions for a job's approved images that have none yet (made no sooner than
    `delay_ms` from now, when given)."""
    approved = Asset.unscoped.filter(job_id=job_id, renditions__isnull=True,
                                     moderation_status=Asset.Moderation.APPROVED)
    for asset_id in approved.values_list("pk", flat=True):
        tasks.send("make_renditions_actor", str(asset_id), delay_ms=delay_ms)


def render_asset(asset_id: Any) -> list[Rendition]:
    """Make an asset's missing renditions (only while it is cleared for delivery)."""
    asset = Asset.unscoped.select_related("tenant").filter(pk=asset_id).first()
    if asset is None or not asset.deliverable:
        return []
    return make_renditions(asset)


def requested_rendition(key: str) -> Rendition | None:
    """The on-request rendition (AVIF) stored at `key`, made now if it was not yet (once,
    however many ask at the same time); None unless the key names an on-request rendition of
    an asset of the key's own tenant that is cleared for delivery."""
    found = rendition_links.resolve(key)
    if found is None or not rendition_links.offered(found[0]):
        return None
    return make_rendition(*found)


def get_asset(tenant: Tenant, asset_id: Any) -> Asset:
    """The tenant's asset, or NotFound: another tenant's asset does not exist for this one."""
    return Asset.objects.owned_or_404(tenant, asset_id)


def promote_asset(tenant: Tenant, asset_id: Any) -> Asset:
    """Draft -> final: the row, and the tags of every object (so drafts' expiry spares it)."""
    asset = get_asset(tenant, asset_id)
    if asset.stage != Asset.Stage.FINAL:
        Asset.unscoped.filter(pk=asset.pk).update(stage=Asset.Stage.FINAL)
        asset.stage = Asset.Stage.FINAL
    for key in object_keys(asset):
        set_tags(key, tags_for(asset))
    return asset


def object_keys(asset: Asset) -> list[str]:
    return [asset.storage_key, *asset.renditions.values_list("storage_key", flat=True)]


def delete_asset(tenant: Tenant, asset_id: Any) -> None:
    """Delete the original and every rendition, then the record."""
    asset = get_asset(tenant, asset_id)
    for key in object_keys(asset):
        default_storage.delete(key)
    asset.delete()
    log.info("asset %s deleted with its renditions", asset_id)


def open_deliverable(storage_key: str, *, for_review: bool = False) -> tuple[str, Any] | None:
    """(content type, open file) for a key of an asset or rendition still cleared for
    delivery (or, for a moderator's review link, still waiting in review); None otherwise:
    a link outlives neither its asset nor its approval."""
    asset = Asset.unscoped.filter(storage_key=storage_key).first()
    content_type = asset.content_type if asset else ""
    if asset is None:
        rendition = Rendition.unscoped.select_related("asset").filter(
            storage_key=storage_key).first()
        asset = rendition.asset if rendition else None
        content_type = rendition.content_type if rendition else ""
    allowed = asset is not None and (asset.deliverable or (
        for_review and asset.moderation_status == Asset.Moderation.PENDING_REVIEW))
    if not allowed or not default_storage.exists(storage_key):
        return None
    return content_type, default_storage.open(storage_key, "rb")


def sweep_missing_renditions(*, older_than_seconds: int = 60, limit: int = 500) -> int:
    """Queue renditions for approved images that have none (their message was lost)."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    missing = (Asset.unscoped.filter(kind=Asset.Kind.GENERATED,
                                     moderation_status=Asset.Moderation.APPROVED,
                                     renditions__isnull=True, created_at__lt=cutoff)
               .select_related("tenant")[:limit])
    count = 0
    for asset in missing:
        queue_renditions(asset)
        count += 1
    return count
