"""The job's wire shapes: the submit body (parsed into a JobRequest) and the job as returned."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from assets.serializers import AssetSerializer
from catalog.requests import OPERATIONS, STAGES, JobRequest
from config.api import StrictFields
from generation.models import Job


class JobRequestSerializer(StrictFields, serializers.Serializer):
    """Types and shapes only; the model's own limits are checked by the service (catalog)."""

    model = serializers.CharField(max_length=64, default="",
                                  help_text="a catalog key; optional when the template names one")
    operation = serializers.CharField(max_length=32, default="text_to_image",
                                      help_text=f"one of: {', '.join(OPERATIONS)}")
    prompt = serializers.CharField(allow_blank=True, trim_whitespace=False, default="",
                                   max_length=20_000)
    negative_prompt = serializers.CharField(allow_blank=True, trim_whitespace=False, default="",
                                            max_length=20_000)
    n = serializers.IntegerField(default=1, min_value=-(2**63), max_value=2**63 - 1)
    seed = serializers.IntegerField(required=False, allow_null=True, min_value=-(2**63),
                                    max_value=2**63 - 1)
    size = serializers.CharField(required=False, allow_null=True, max_length=20,
                                 help_text='"WIDTHxHEIGHT", e.g. "1024x1024"')
    aspect_ratio = serializers.CharField(required=False, allow_null=True, max_length=10)
    quality = serializers.CharField(required=False, allow_null=True, max_length=32)
    style = serializers.CharField(required=False, allow_null=True, max_length=64)
    images = serializers.ListField(child=serializers.CharField(max_length=64), required=False,
                                   max_length=10)
    mask = serializers.CharField(required=False, allow_null=True, max_length=64)
    mask_prompt = serializers.CharField(required=False, allow_null=True, max_length=20_000)
    params = serializers.DictField(required=False)
    stage = serializers.ChoiceField(choices=STAGES, default="draft")
    template = serializers.CharField(required=False, allow_null=True, max_length=100,
                                     help_text="a brand template's id or name")
    slots = serializers.DictField(child=serializers.JSONField(), required=False,
                                  help_text="values for the template's {slots}")
    dry_run = serializers.BooleanField(default=False)

    def to_request(self) -> JobRequest:
        data = dict(self.validated_data)
        data["images"] = list(data.get("images") or [])
        data["params"] = dict(data.get("params") or {})
        data["slots"] = dict(data.get("slots") or {})
        return JobRequest(**data)


class JobSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model_key")
    size = serializers.SerializerMethodField()
    quality = serializers.SerializerMethodField()
    style = serializers.SerializerMethodField()
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
        return AssetSerializer(job.assets.order_by("index"), many=True, context=self.context).data


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
