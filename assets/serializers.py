"""The asset's wire shape, with a time-limited `url` for assets cleared for delivery."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from assets.delivery import signed_download_url
from assets.models import Asset


class AssetSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model_key")
    job = serializers.UUIDField(source="job_id")
    url = serializers.SerializerMethodField()
    url_expires_at = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = ["id", "job", "index", "model", "model_id", "operation", "seed", "width",
                  "height", "format", "bytes", "sha256", "stage", "moderation_status",
                  "parameters", "created_at", "url", "url_expires_at"]

    def _link(self, asset: Asset) -> Any:
        cache = self.context.setdefault("_links", {})
        if asset.pk not in cache:
            cache[asset.pk] = signed_download_url(asset, base_url=self.context["base_url"])
        return cache[asset.pk]

    def get_url(self, asset: Asset) -> str | None:
        link = self._link(asset)
        return link.url if link else None

    def get_url_expires_at(self, asset: Asset) -> str | None:
        link = self._link(asset)
        return link.expires_at.isoformat() if link else None
