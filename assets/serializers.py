"""The asset's wire shape, with a time-limited `url` for assets cleared for delivery."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from assets.delivery import download_filename, link_for_key, signed_download_url
from assets.models import Asset, Rendition


class AssetSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model_key")
    job = serializers.UUIDField(source="job_id", allow_null=True)
    url = serializers.SerializerMethodField()
    url_expires_at = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    renditions = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = ["id", "kind", "job", "index", "model", "model_id", "operation", "seed",
                  "width", "height", "format", "bytes", "sha256", "stage", "moderation_status",
                  "provenance", "parameters", "created_at", "url", "url_expires_at",
                  "thumbnail_url", "renditions"]

    def _link(self, asset: Asset) -> Any:
        context = self.context
        assert isinstance(context, dict)  # DRF keeps the dict passed as context= (typed Mapping)
        cache = context.setdefault("_links", {})
        if asset.pk not in cache:
            cache[asset.pk] = signed_download_url(asset, base_url=self.context["base_url"])
        return cache[asset.pk]

    def get_url(self, asset: Asset) -> str | None:
        link = self._link(asset)
        return link.url if link else None

    def get_url_expires_at(self, asset: Asset) -> str | None:
        link = self._link(asset)
        return link.expires_at.isoformat() if link else None

    def _rendition_url(self, rendition: Rendition) -> str:
        return link_for_key(rendition.storage_key, download_filename(rendition.storage_key),
                            base_url=self.context["base_url"]).url

    def _renditions(self, asset: Asset) -> list[Rendition]:
        return list(asset.renditions.all()) if asset.deliverable else []

    def get_thumbnail_url(self, asset: Asset) -> str | None:
        thumbnail = next((r for r in self._renditions(asset)
                          if r.kind == Rendition.Kind.THUMBNAIL), None)
        return self._rendition_url(thumbnail) if thumbnail else None

    def get_renditions(self, asset: Asset) -> list[dict[str, Any]]:
        return [{"kind": r.kind, "format": r.format, "width": r.width, "height": r.height,
                 "bytes": r.bytes, "url": self._rendition_url(r)}
                for r in self._renditions(asset) if r.kind == Rendition.Kind.WEB]
