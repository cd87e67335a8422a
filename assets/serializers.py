"""The asset's wire shape, with a time-limited `url` for assets cleared for delivery.

The declared fields are the contract (the OpenAPI schema is built from them); each answer is
built directly by `to_representation`, not field by field: DRF's per-field machinery cost
more than everything else in an answer listing dozens of assets with six links each.
tests/api/test_answer_shapes.py checks both give the same body. A list's renditions are read
in one query (`renditions_by_asset`), never one per asset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any, NamedTuple

from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import serializers

from assets.delivery import LinkSigner, download_filename, signed_download_url
from assets.models import Asset, Rendition
from assets.rendition_links import lazy_renditions
from tenants.models import Tenant


class RenditionRow(NamedTuple):
    """What an answer shows of a rendition (read as values: no model instance each)."""

    kind: str
    format: str
    width: int
    height: int
    bytes: int
    storage_key: str


ROW_FIELDS = ("asset_id", *RenditionRow._fields)


def listing_order(row: RenditionRow) -> tuple[str, int, str]:
    """The order an asset's renditions are listed in: thumbnail first, then by width and
    format."""
    return row.kind, row.width, row.format


def renditions_by_asset(assets: Iterable[Asset], *, tenant: Tenant | None = None,
                        thumbnails: bool = False) -> dict[Any, list[RenditionRow]]:
    """The renditions of those of `assets` (one tenant's) cleared for delivery, by asset id,
    in the order they are listed (thumbnail first, then by width and format): one query for
    them all, or none for assets whose renditions were prefetched. `tenant`: theirs, when the
    caller has it at hand (else read from an asset), then also set on each asset, so that
    keys naming it (on-request renditions) cost no query; `thumbnails`: only those (a
    sheet)."""
    found: dict[Any, list[RenditionRow]] = {}
    wanted: list[Asset] = []
    for asset in assets:
        if tenant is not None and not Asset.tenant.is_cached(asset):
            asset.tenant = tenant
        if not asset.deliverable:
            continue
        prefetched = getattr(asset, "_prefetched_objects_cache", {}).get("renditions")
        if prefetched is None:
            wanted.append(asset)
            found[asset.pk] = []
        else:
            found[asset.pk] = [RenditionRow(*(getattr(r, name) for name in RenditionRow._fields))
                               for r in prefetched]
    if wanted:
        rows = (Rendition.objects.for_tenant(tenant or wanted[0].tenant)
                .filter(asset_id__in=[asset.pk for asset in wanted])
                .order_by().values_list(*ROW_FIELDS))
        if thumbnails:
            rows = rows.filter(kind=Rendition.Kind.THUMBNAIL)
        for asset_id, *fields in rows:
            found[asset_id].append(RenditionRow(*fields))
    for made in found.values():
        made.sort(key=listing_order)
    return found


def iso_datetime(value: datetime | None, zone: tzinfo | None = None) -> str | None:
    """DRF's ISO 8601 form of a date-time: in the current time zone (`zone`, when the caller
    looked it up once for many), `Z` for UTC."""
    if value is None:
        return None
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def rendition_entries(asset: Asset, made: list[RenditionRow], *, signer: LinkSigner
                      ) -> list[dict[str, Any]]:
    """The asset's `renditions` list: its web renditions with their links, then those made on
    first request (AVIF) not made yet, with links that make them (`bytes` null until then)."""
    entries: list[dict[str, Any]] = [
        {"kind": row.kind, "format": row.format, "width": row.width, "height": row.height,
         "bytes": row.bytes, "url": _url(row, signer)}
        for row in made if row.kind == Rendition.Kind.WEB]
    return [*entries, *lazy_renditions(asset, made, signer=signer)]


def _url(row: RenditionRow, signer: LinkSigner) -> str:
    return signer.url(row.storage_key, download_filename(row.storage_key))


def asset_body(asset: Asset, made: list[RenditionRow], *, signer: LinkSigner,
               zone: tzinfo | None = None, renditions: bool = True) -> dict[str, Any]:
    """One asset as the API shows it; `made`: its renditions (renditions_by_asset), shown
    only when it is cleared for delivery; `signer`: the answer's (LinkSigner); `zone`: the
    current time zone (iso_datetime). `renditions=False` leaves the `renditions` list (and
    its links) out, for pages that show only the thumbnail."""
    link = signed_download_url(asset, signer=signer)
    made = made if link is not None else []
    thumbnail = next((row for row in made if row.kind == Rendition.Kind.THUMBNAIL), None)
    body = {
        "id": str(asset.pk), "kind": asset.kind,
        "job": None if asset.job_id is None else str(asset.job_id), "index": asset.index,
        "model": asset.model_key, "model_id": asset.model_id, "operation": asset.operation,
        "seed": asset.seed, "width": asset.width, "height": asset.height,
        "format": asset.format, "bytes": asset.bytes, "sha256": asset.sha256,
        "stage": asset.stage, "moderation_status": asset.moderation_status,
        "provenance": asset.provenance, "parameters": asset.parameters,
        "compliance": asset.compliance_check,
        "created_at": iso_datetime(asset.created_at, zone),
        "url": link.url if link else None,
        "url_expires_at": link.expires_at.isoformat() if link else None,
        "thumbnail_url": _url(thumbnail, signer) if thumbnail else None,
    }
    if renditions:
        body["renditions"] = rendition_entries(asset, made, signer=signer)
    return body


class AssetListSerializer(serializers.ListSerializer):
    """Many assets of one tenant: their renditions read in one query."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        assets = list(data.all() if isinstance(data, BaseManager) else data)
        made = renditions_by_asset(assets, tenant=_tenant(self.context))
        return asset_bodies(assets, made, base_url=self.context["base_url"])


def asset_bodies(assets: list[Asset], made: Mapping[Any, list[RenditionRow]], *,
                 base_url: str) -> list[dict[str, Any]]:
    """The answers of `assets` (of one tenant), `made` their renditions by asset id
    (renditions_by_asset), with links signed by one LinkSigner for `base_url`."""
    signer = LinkSigner(base_url=base_url)
    zone = timezone.get_current_timezone()
    return [asset_body(asset, made.get(asset.pk, []), signer=signer, zone=zone)
            for asset in assets]


def _tenant(context: Mapping[str, Any]) -> Tenant | None:
    tenant = context.get("tenant")
    return tenant if isinstance(tenant, Tenant) else None


class RenditionSerializer(serializers.Serializer):
    """A web rendition of an image (the schema's; asset_body builds it)."""

    kind = serializers.CharField(help_text="`web` (the thumbnail is `thumbnail_url`).")
    format = serializers.CharField(help_text="`webp` or `avif`.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    bytes = serializers.IntegerField(allow_null=True, help_text="null until it is made: an "
                                                                "AVIF is made on first request.")
    url = serializers.CharField(help_text="A time-limited link, as the asset's `url`.")

    class Meta:
        ref_name = "Rendition"


class ComplianceRuleSerializer(serializers.Serializer):
    """One rule of a compliance check (docs/ecommerce.md, "The check")."""

    rule = serializers.CharField()
    passed = serializers.BooleanField()
    measured = serializers.JSONField(help_text="a number (px, a share 0 to 1) or a name")
    limit = serializers.CharField()
    fix = serializers.CharField(allow_null=True)

    class Meta:
        ref_name = "ComplianceRule"


class AssetComplianceSerializer(serializers.Serializer):
    """An image made for a preset (a packshot) checked against it as it was stored."""

    preset = serializers.CharField(help_text="the preset's key")
    passed = serializers.BooleanField()
    failed = serializers.ListField(child=serializers.CharField(),
                                   help_text="the rules that failed (empty when it passed)")
    rules = ComplianceRuleSerializer(many=True)

    class Meta:
        ref_name = "AssetCompliance"


class AssetSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model_key", read_only=True)
    job = serializers.UUIDField(source="job_id", allow_null=True, read_only=True)
    # Computed by asset_body; declared for the schema.
    url = serializers.CharField(read_only=True, allow_null=True,
                                help_text="A time-limited download link; null until the image "
                                          "is approved.")
    url_expires_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                               help_text="When `url` and the rendition links "
                                                         "expire.")
    thumbnail_url = serializers.CharField(read_only=True, allow_null=True)
    renditions = RenditionSerializer(many=True, read_only=True)
    compliance = AssetComplianceSerializer(
        source="compliance_check", read_only=True, allow_null=True,
        help_text="An image made for a marketplace preset (a packshot): its compliance check "
                  "against that preset, made as it was stored; null for other images.")

    class Meta:
        model = Asset
        fields = ["id", "kind", "job", "index", "model", "model_id", "operation", "seed",
                  "width", "height", "format", "bytes", "sha256", "stage", "moderation_status",
                  "provenance", "parameters", "compliance", "created_at", "url", "url_expires_at",
                  "thumbnail_url", "renditions"]
        read_only_fields = fields  # an answer: the schema marks every field required
        list_serializer_class = AssetListSerializer

    def to_representation(self, instance: Asset) -> dict[str, Any]:
        made = renditions_by_asset([instance], tenant=_tenant(self.context))
        return asset_body(instance, made.get(instance.pk, []),
                          signer=LinkSigner(base_url=self.context["base_url"]))
