"""`/api/v1/trials`: side-by-side model trials (generation/trials.py). A trial runs the same
prompts on several models as one group; its answer is the grid (model columns, prompt rows),
each cell with its job, image, latency and price, and each model's operations and total."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_api_key, request_tenant
from api.base import (
    NewestFirst,
    TenantViewSet,
    filtered,
    id_parameter,
    list_parameters,
    paginated,
)
from api.schema import PAGE_SIZE, error_responses
from api.serializers import JobErrorSerializer
from api.templates import TemplateAnswerSerializer, TemplateSerializer
from assets.delivery import LinkSigner
from assets.models import Asset
from assets.serializers import asset_body, iso_datetime, renditions_by_asset
from core.serializers import StrictFields
from generation import trials
from generation.models import Trial

EXAMPLE = {"prompts": ["a red handbag on white marble", "a linen shirt on a wooden hanger"],
           "models": ["stable-image-core", "local"], "seed": 42}


def _usd(amount: Any) -> str:
    return f"{amount:.4f}"


# --- the request shapes -----------------------------------------------------------------------

class TrialRequestSerializer(StrictFields, serializers.Serializer):
    prompts = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        help_text=f"The rows: 1 to {trials.MAX_PROMPTS} representative prompts.")
    models = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=64),
        help_text=f"The columns: 1 to {trials.MAX_MODELS} distinct model keys, each a model "
                  "that makes images from text (`text_to_image`) and that you may call now.")
    seed = serializers.IntegerField(
        required=False, allow_null=True,
        help_text=f"One seed for every cell, {trials.SEED_RANGE[0]} to {trials.SEED_RANGE[1]}, "
                  "clamped into each model's seed range (a model without a seed gets none). "
                  "Default: drawn at random.")

    class Meta:
        ref_name = "TrialRequest"


class FavouriteRequestSerializer(StrictFields, serializers.Serializer):
    row = serializers.IntegerField(help_text="The prompt's index, from 0.")
    column = serializers.IntegerField(help_text="The model's index, from 0.")
    favourite = serializers.BooleanField(required=False, default=True,
                                         help_text="false unmarks the cell.")

    class Meta:
        ref_name = "TrialFavouriteRequest"


class AdoptRequestSerializer(StrictFields, serializers.Serializer):
    model = serializers.CharField(max_length=64, help_text="One of the trial's models.")
    template = serializers.CharField(max_length=64, help_text="Your brand template's id.")

    class Meta:
        ref_name = "TrialAdoptRequest"


# --- the answer's shapes (the schema's; trial_body builds the answer) -------------------------

class TrialModelSerializer(serializers.Serializer):
    column = serializers.IntegerField()
    key = serializers.CharField(help_text="The model key.")
    name = serializers.CharField()
    operations = serializers.ListField(child=serializers.CharField(),
                                       help_text="What the model can do (the catalog's "
                                                 "operations): its editing support.")
    seed = serializers.IntegerField(allow_null=True, help_text="The seed its cells used; "
                                                               "null: the model takes none.")
    total_usd = serializers.CharField(help_text="The sum of its cells' prices, USD.")
    charged_usd = serializers.CharField(help_text="What its delivered images were charged so "
                                                  "far, USD.")
    price_is_estimate = serializers.BooleanField()

    class Meta:
        ref_name = "TrialModel"


class TrialImageSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The asset's id (`GET /assets/{id}`).")
    moderation_status = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text="As the job's answer gives it: a "
                                                           "time-limited link, once approved.")
    thumbnail_url = serializers.CharField(allow_null=True)

    class Meta:
        ref_name = "TrialImage"


class TrialCellSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.IntegerField()
    model = serializers.CharField()
    job = serializers.UUIDField(help_text="The cell's job (`GET /jobs/{id}`).")
    status = serializers.CharField(help_text="The job's status.")
    image = TrialImageSerializer(allow_null=True)
    latency_ms = serializers.IntegerField(allow_null=True, help_text="The model's time: its "
                                          "first call's start to its last call's end.")
    price_usd = serializers.CharField(help_text="The job's price, USD.")
    charged_usd = serializers.CharField(help_text="Charged so far, USD (0 until delivered).")
    favourite = serializers.BooleanField()
    error = JobErrorSerializer(allow_null=True)

    class Meta:
        ref_name = "TrialCell"


class TrialRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    prompt = serializers.CharField()
    cells = TrialCellSerializer(many=True, help_text="By column (model).")

    class Meta:
        ref_name = "TrialRow"


class TrialCellRefSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.IntegerField()

    class Meta:
        ref_name = "TrialCellRef"


class TrialSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    seed = serializers.IntegerField(help_text="The trial's seed, before clamping.")
    finished = serializers.BooleanField(help_text="true when every cell's job has finished.")
    estimated_cost_usd = serializers.CharField(help_text="The sum of its jobs' prices, USD: "
                                               "what it held at submission.")
    total_usd = serializers.CharField(help_text="The sum of the models' totals, USD.")
    models = TrialModelSerializer(many=True, help_text="The columns.")
    rows = TrialRowSerializer(many=True, help_text="The prompts, with their cells.")
    favourites = TrialCellRefSerializer(many=True)
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Trial"


class TrialListSerializer(serializers.Serializer):
    """A trial in a list: its shape and price; fetch one trial for its grid."""

    id = serializers.UUIDField()
    prompts = serializers.ListField(child=serializers.CharField())
    models = serializers.ListField(child=serializers.CharField(), source="model_keys")
    seed = serializers.IntegerField()
    estimated_cost_usd = serializers.CharField()
    favourites = TrialCellRefSerializer(many=True)
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "TrialSummary"

    def to_representation(self, instance: Trial) -> dict[str, Any]:
        return {"id": str(instance.pk), "prompts": instance.prompts,
                "models": instance.model_keys, "seed": instance.seed,
                "estimated_cost_usd": _usd(instance.estimated_cost_usd),
                "favourites": _favourites(instance),
                "created_at": iso_datetime(instance.created_at)}


def _favourites(trial: Trial) -> list[dict[str, int]]:
    return [{"row": row, "column": column} for row, column in trial.favourites]


def trial_body(request: Request, trial: Trial) -> dict[str, Any]:
    """The trial's grid as the API shows it; images as the job's answer gives them."""
    tenant = request_tenant(request)
    found = trials.grid(tenant, trial)
    assets = list(Asset.objects.for_tenant(tenant).filter(job__trial=trial, index=0)
                  .defer("moderation"))
    made = renditions_by_asset(assets, tenant=tenant, thumbnails=True)
    signer = LinkSigner(base_url=request.build_absolute_uri("/"))
    zone = timezone.get_current_timezone()
    images = {asset.job_id: asset_body(asset, made.get(asset.pk, []), signer=signer,
                                       zone=zone, renditions=False) for asset in assets}

    def cell_body(cell: trials.GridCell) -> dict[str, Any]:
        job, image = cell.job, images.get(cell.job.pk)
        return {"row": cell.row, "column": cell.column, "model": job.model_key,
                "job": str(job.pk), "status": job.status,
                "image": None if image is None else {
                    name: image[name] for name in ("id", "moderation_status", "url",
                                                   "thumbnail_url")},
                "latency_ms": cell.latency_ms, "price_usd": _usd(cell.price_usd),
                "charged_usd": _usd(cell.charged_usd), "favourite": cell.favourite,
                "error": {"code": job.error_code, "message": job.error_message}
                if job.error_code else None}

    return {
        "id": str(trial.pk), "seed": trial.seed, "finished": found.finished,
        "estimated_cost_usd": _usd(trial.estimated_cost_usd),
        "total_usd": _usd(found.total_usd),
        "models": [{"column": index, "key": column.spec.key, "name": column.spec.name,
                    "operations": list(column.spec.operations), "seed": column.seed,
                    "total_usd": _usd(column.total_usd),
                    "charged_usd": _usd(column.charged_usd),
                    "price_is_estimate": column.spec.price_is_estimate}
                   for index, column in enumerate(found.columns)],
        "rows": [{"row": row, "prompt": prompt,
                  "cells": [cell_body(cell) for cell in cells if cell is not None]}
                 for row, (prompt, cells) in enumerate(found.rows)],
        "favourites": _favourites(trial),
        "created_at": iso_datetime(trial.created_at),
    }


class TrialViewSet(TenantViewSet):
    pagination_class = NewestFirst

    @extend_schema(request=TrialRequestSerializer,
                   responses={202: OpenApiResponse(TrialSerializer, description="Accepted: "
                                                   "every cell's job is queued, the whole "
                                                   "group held against the month's quota."),
                              **error_responses(402, 422, 503)},
                   examples=[OpenApiExample("two prompts on two models", value=EXAMPLE,
                                            request_only=True)])
    def create(self, request: Request) -> Response:
        parsed = TrialRequestSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        trial = trials.submit_trial(request_tenant(request), data["prompts"], data["models"],
                                    data.get("seed"), api_key=request_api_key(request))
        return Response(trial_body(request, trial), status=status.HTTP_202_ACCEPTED,
                        headers={"Location": f"/api/v1/trials/{trial.pk}"})

    @extend_schema(responses=TrialListSerializer(many=True),
                   parameters=[*list_parameters({}), PAGE_SIZE])
    def list(self, request: Request) -> Response:
        found = filtered(request, Trial.objects.for_tenant(request_tenant(request)), {})
        return paginated(request, found, TrialListSerializer, self)

    @extend_schema(responses=TrialSerializer, parameters=[id_parameter("trial")])
    def retrieve(self, request: Request, pk: str) -> Response:
        trial = trials.get_trial(request_tenant(request), pk)
        return Response(trial_body(request, trial))

    @extend_schema(request=FavouriteRequestSerializer, responses=TrialSerializer,
                   parameters=[id_parameter("trial")])
    @action(detail=True, methods=["post"])
    def favourites(self, request: Request, pk: str) -> Response:
        parsed = FavouriteRequestSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        trial = trials.set_favourite(request_tenant(request), pk, data["row"], data["column"],
                                     data["favourite"])
        return Response(trial_body(request, trial))

    @extend_schema(request=AdoptRequestSerializer, responses=TemplateAnswerSerializer,
                   parameters=[id_parameter("trial")])
    @action(detail=True, methods=["post"])
    def adopt(self, request: Request, pk: str) -> Response:
        parsed = AdoptRequestSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        template = trials.adopt_model(request_tenant(request), pk, data["model"],
                                      data["template"])
        return Response(TemplateSerializer(template).data)
