"""The job's wire shapes as the API returns them (the submit body is
generation/request_serializer.py, shared with batch rows).

As for assets (assets/serializers.py), the declared fields are the contract and the schema;
each answer is built directly by `job_body`, and tests/api/test_answer_shapes.py checks both
give the same body. A job's images and their renditions take two prepared reads
(assets/job_reads.py), whatever their number.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.job_reads import job_assets, job_renditions
from assets.serializers import AssetSerializer, asset_bodies, iso_datetime, renditions_by_asset
from generation.models import Job


def job_body(job: Job, *, assets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One job as the API shows it; `assets`, the bodies of its images, when it shows them."""
    request = job.request
    body: dict[str, Any] = {
        "id": str(job.pk), "status": job.status, "model": job.model_key,
        "model_id": job.model_id, "operation": job.operation, "prompt": job.prompt,
        "negative_prompt": job.negative_prompt, "n": job.n, "seed": job.seed,
        "base_seed": job.base_seed, "size": f"{job.width}x{job.height}", "width": job.width,
        "height": job.height, "quality": request.get("quality"),
        "style": request.get("style"), "params": job.params, "stage": job.stage,
        "template": None if job.template_id is None else str(job.template_id),
        "slots": request.get("slots", {}),
        "batch": None if job.batch_id is None else str(job.batch_id), "sku": job.sku,
        "after": None if job.after_id is None else str(job.after_id),
        "estimated_cost_usd": f"{job.estimated_cost_usd:.4f}",
        "error": {"code": job.error_code, "message": job.error_message}
        if job.error_code else None,
        "fallback": {"requested_model": job.requested_model, "reason": job.fallback_reason}
        if job.requested_model else None,
        "withheld": job.withheld, "attempts": job.attempts,
        "created_at": iso_datetime(job.created_at), "started_at": iso_datetime(job.started_at),
        "finished_at": iso_datetime(job.finished_at),
    }
    if assets is not None:
        body["assets"] = assets
    return body


class JobErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. `provider_error`, `content_filtered`")
    message = serializers.CharField(help_text="What went wrong, for people.")

    class Meta:
        ref_name = "JobError"


class JobFallbackSerializer(serializers.Serializer):
    requested_model = serializers.CharField(help_text="The model the job asked for.")
    reason = serializers.CharField(help_text="Why it could not run: retired or unavailable.")

    class Meta:
        ref_name = "JobFallback"


class JobSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model_key", read_only=True)
    size = serializers.SerializerMethodField()
    quality = serializers.SerializerMethodField()
    style = serializers.SerializerMethodField()  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Field.style
    error = serializers.SerializerMethodField()
    fallback = serializers.SerializerMethodField()
    slots = serializers.SerializerMethodField()
    assets = AssetSerializer(many=True, read_only=True)

    class Meta:
        model = Job
        fields = ["id", "status", "model", "model_id", "operation", "prompt", "negative_prompt",
                  "n", "seed", "base_seed", "size", "width", "height", "quality", "style",
                  "params", "stage", "template", "slots", "batch", "sku", "after",
                  "estimated_cost_usd", "error", "fallback", "withheld", "attempts",
                  "created_at", "started_at", "finished_at", "assets"]
        read_only_fields = fields  # an answer: every field is always there (the schema's
        # `required`), null where it has no value

    def to_representation(self, instance: Job) -> dict[str, Any]:
        # The context's `assets` may give the images (a job just accepted has none: no query).
        assets = self.context.get("assets")
        tenant = self.context.get("tenant") or instance.tenant
        if assets is None:
            assets = job_assets(tenant, instance.pk)
            made = job_renditions(tenant, instance.pk, assets)
        else:
            made = renditions_by_asset(assets, tenant=tenant)
        return job_body(instance, assets=asset_bodies(assets, made,
                                                      base_url=self.context["base_url"]))

    # The schema's types of the computed fields (job_body fills them in).
    def get_size(self, job: Job) -> str:
        return f"{job.width}x{job.height}"

    def get_quality(self, job: Job) -> str | None:
        return job.request.get("quality")

    def get_style(self, job: Job) -> str | None:
        return job.request.get("style")

    @extend_schema_field(JobErrorSerializer(allow_null=True))
    def get_error(self, job: Job) -> dict[str, str] | None:
        if not job.error_code:
            return None
        return {"code": job.error_code, "message": job.error_message}

    @extend_schema_field(JobFallbackSerializer(
        allow_null=True, help_text="Set when the job runs on the fallback model its tenant or "
        "template named (`model`) instead of the one it asked for; null otherwise."))
    def get_fallback(self, job: Job) -> dict[str, str] | None:
        return ({"requested_model": job.requested_model, "reason": job.fallback_reason}
                if job.requested_model else None)

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_slots(self, job: Job) -> dict[str, Any]:
        return job.request.get("slots", {})


class JobListSerializer(JobSerializer):
    """The list view leaves the assets out; fetch one job for them."""

    class Meta(JobSerializer.Meta):
        fields = [f for f in JobSerializer.Meta.fields if f != "assets"]

    def to_representation(self, instance: Job) -> dict[str, Any]:
        return job_body(instance)


class UsageImagesSerializer(serializers.Serializer):
    used = serializers.IntegerField(help_text="Images made this month.")
    reserved = serializers.IntegerField(help_text="Images held for queued and running jobs.")
    limit = serializers.IntegerField(allow_null=True, help_text="The month's quota; null: "
                                                                "none.")
    left = serializers.IntegerField(allow_null=True, help_text="What is left; null: no quota.")

    class Meta:
        ref_name = "UsageImages"


class UsageSpendSerializer(serializers.Serializer):
    used = serializers.CharField(help_text="Spent this month, USD.")
    reserved = serializers.CharField(help_text="Held for queued and running jobs, USD.")
    budget = serializers.CharField(allow_null=True, help_text="The month's budget; null: none.")
    left = serializers.CharField(allow_null=True, help_text="What is left; null: no budget.")

    class Meta:
        ref_name = "UsageSpend"


class UsageSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM (UTC).")
    images = UsageImagesSerializer()
    spend_usd = UsageSpendSerializer()

    class Meta:
        # A job estimate's `quota`; GET /usage answers MonthUsageSerializer, which keeps the
        # name `Usage` that generated clients have always had for it.
        ref_name = "Quota"


class PromptAssistantUsageSerializer(serializers.Serializer):
    calls = serializers.IntegerField(help_text="Calls of the prompt assistant's text model.")
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    cost_usd = serializers.CharField(help_text="Their AWS cost, USD (not part of `spend_usd`).")

    class Meta:
        ref_name = "PromptAssistantUsage"


class MonthUsageSerializer(UsageSerializer):
    prompt_assistant = PromptAssistantUsageSerializer(
        help_text="The month's calls of the prompt assistant's text model "
                  "(`POST /prompts/suggest`); zero when only its rules answered.")

    class Meta:
        ref_name = "Usage"


class EstimateSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(help_text="Always true: nothing was made.")
    model = serializers.CharField()
    operation = serializers.CharField()
    n = serializers.IntegerField()
    size = serializers.CharField(help_text='"WIDTHxHEIGHT" of each image.')
    params = serializers.DictField(help_text="The parameters the model would be called with.")
    estimated_cost_usd = serializers.DecimalField(max_digits=12, decimal_places=4)
    price_is_estimate = serializers.BooleanField(
        help_text="true when the model's price per image is Atelier's estimate (a model billed "
                  "per token)")
    quota = UsageSerializer(help_text="The month's usage, before this job.")
