"""The job's wire shapes as the API returns them (the submit body is
generation/request_serializer.py, shared with batch rows)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from assets.serializers import AssetSerializer
from generation.models import Job


class JobSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model_key")
    size = serializers.SerializerMethodField()
    quality = serializers.SerializerMethodField()
    style = serializers.SerializerMethodField()  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Field.style
    error = serializers.SerializerMethodField()
    slots = serializers.SerializerMethodField()
    assets = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "status", "model", "model_id", "operation", "prompt", "negative_prompt",
                  "n", "seed", "base_seed", "size", "width", "height", "quality", "style",
                  "params", "stage", "template", "slots", "batch", "sku",
                  "estimated_cost_usd", "error", "withheld", "attempts",
                  "created_at", "started_at", "finished_at", "assets"]

    def get_slots(self, job: Job) -> dict[str, Any]:
        return job.request.get("slots", {})

    def get_size(self, job: Job) -> str:
        return f"{job.width}x{job.height}"

    def get_quality(self, job: Job) -> str | None:
        return job.request.get("quality")

    def get_style(self, job: Job) -> str | None:
        return job.request.get("style")

    def get_error(self, job: Job) -> dict[str, str] | None:
        if not job.error_code:
            return None
        return {"code": job.error_code, "message": job.error_message}

    def get_assets(self, job: Job) -> list[dict[str, Any]]:
        return AssetSerializer(job.assets.order_by("index"), many=True, context=self.context).data  # type: ignore[return-value]  # many=True makes a ListSerializer, whose data is a list


class JobListSerializer(JobSerializer):
    """The list view leaves the assets out; fetch one job for them."""

    class Meta(JobSerializer.Meta):
        fields = [f for f in JobSerializer.Meta.fields if f != "assets"]


class EstimateSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(default=True)
    model = serializers.CharField()
    operation = serializers.CharField()
    n = serializers.IntegerField()
    size = serializers.CharField()
    params = serializers.DictField()
    estimated_cost_usd = serializers.DecimalField(max_digits=12, decimal_places=4)
