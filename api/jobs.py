"""REST endpoints for jobs and the model catalog: parse, call one service, shape the answer."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_api_key, request_tenant
from api.base import (
    NewestFirst,
    TenantAPIView,
    TenantViewSet,
    filtered,
    id_parameter,
    list_parameters,
    paginated,
    serializer_context,
)
from api.schema import error_responses
from api.serializers import EstimateSerializer, JobListSerializer, JobSerializer
from assets import exports
from catalog.requests import STAGES
from core.errors import Conflict, InvalidParameter
from generation import services
from generation.models import Job
from generation.presenters import described_catalog, estimate_body
from generation.request_serializer import JobRequestSerializer

JOB_FILTERS = {"status": ("status", Job.Status.values), "model": ("model_key", None),
               "stage": ("stage", STAGES), "batch": ("batch_id", None),
               "template": ("template_id", None), "sku": ("sku", None)}


JOB_EXAMPLES = [
    OpenApiExample("four drafts", request_only=True, value={
        "model": "nova-canvas", "prompt": "a red handbag on white marble", "n": 4,
        "aspect_ratio": "4:5", "quality": "standard", "seed": 42}),
    OpenApiExample("from a template", request_only=True, value={
        "template": "studio", "slots": {"subject": "leather tote"}, "n": 2}),
    OpenApiExample("inpaint an upload", request_only=True, value={
        "model": "stability-inpaint", "operation": "inpaint", "prompt": "a blue vase",
        "images": ["<upload id>"], "mask": "<upload id>"}),
    OpenApiExample("estimate only", request_only=True, value={
        "model": "stable-image-ultra", "prompt": "a lamp", "n": 2, "dry_run": True}),
    OpenApiExample("accepted", response_only=True, status_codes=["202"], value={
        "id": "5f0c1c5e-8a43-4a43-9d3e-1f0f0f7f2b11", "status": "queued",
        "model": "nova-canvas", "model_id": "amazon.nova-canvas-v1:0",
        "operation": "text_to_image", "prompt": "a red handbag on white marble",
        "negative_prompt": "", "n": 4, "seed": 42, "base_seed": 42, "size": "896x1152",
        "width": 896, "height": 1152, "quality": "standard", "style": None, "params": {},
        "stage": "draft", "template": None, "slots": {}, "batch": None, "sku": "",
        "estimated_cost_usd": "0.1600", "error": None, "withheld": [], "attempts": 0,
        "created_at": "2026-12-02T12:00:00Z", "started_at": None, "finished_at": None,
        "assets": []}),
]


class JobViewSet(TenantViewSet):
    pagination_class = NewestFirst

    @extend_schema(request=JobRequestSerializer,
                   responses={202: JobSerializer, 200: EstimateSerializer,
                              **error_responses(402, 422)},
                   examples=JOB_EXAMPLES)
    def create(self, request: Request) -> Response:
        tenant = request_tenant(request)
        parsed = JobRequestSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        job_request = parsed.to_request()
        if job_request.dry_run:
            estimate = services.estimate_job(tenant, job_request)
            return Response(estimate_body(estimate), status=status.HTTP_200_OK)
        job = services.submit_job(tenant, job_request, api_key=request_api_key(request))
        body = JobSerializer(job, context={**serializer_context(request), "assets": []}).data
        return Response(body, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": f"/api/v1/jobs/{job.pk}"})

    @extend_schema(responses=JobListSerializer(many=True),
                   parameters=list_parameters(JOB_FILTERS))
    def list(self, request: Request) -> Response:
        jobs = filtered(request, Job.objects.for_tenant(request_tenant(request)), JOB_FILTERS)
        return paginated(request, jobs, JobListSerializer, self)

    @extend_schema(responses=JobSerializer, parameters=[id_parameter("job")])
    def retrieve(self, request: Request, pk: str) -> Response:
        job = services.get_job(request_tenant(request), pk)
        return Response(JobSerializer(job, context=serializer_context(request)).data)

    @extend_schema(request=None, responses=JobSerializer, parameters=[id_parameter("job")])
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        job = services.cancel_job(request_tenant(request), pk)
        return Response(JobSerializer(job, context=serializer_context(request)).data)


    @extend_schema(request=None, responses={(200, "image/png"): bytes},
                   parameters=[id_parameter("job")])
    @action(detail=True, methods=["get"], url_path="contact-sheet")
    def contact_sheet(self, request: Request, pk: str) -> HttpResponse:
        job, assets = services.job_assets(request_tenant(request), pk)
        try:
            png = exports.contact_sheet(assets, title=f"{job.model_key}: {job.prompt[:60]}")
        except ValueError:
            raise Conflict("job: no images to show yet", field="job") from None
        return HttpResponse(png, content_type="image/png")

    @extend_schema(request=None, responses={(200, "application/zip"): bytes},
                   parameters=[id_parameter("job"), OpenApiParameter(
                       "stage", str, enum=["final", "draft", "all"],
                       description="which images (default final)")])
    @action(detail=True, methods=["get"])
    def archive(self, request: Request, pk: str) -> HttpResponse:
        stage = request.query_params.get("stage", "final")
        if stage not in ("final", "draft", "all"):
            raise InvalidParameter("stage: must be final, draft or all", field="stage")
        job, assets = services.job_assets(request_tenant(request), pk,
                                          stage=None if stage == "all" else stage)
        response = HttpResponse(exports.archive(assets), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-{stage}.zip"'
        return response


class ModelCatalogView(TenantAPIView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response({"models": described_catalog()})
