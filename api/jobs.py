"""REST endpoints for jobs and the model catalog: parse, call one service, shape the answer."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
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
from api.schema import PAGE_SIZE, binary_response, error_responses
from api.serializers import EstimateSerializer, JobListSerializer, JobSerializer
from assets import archives, exports
from catalog.requests import STAGES
from core.errors import Conflict, InvalidParameter
from generation import services
from generation.models import Job
from generation.presenters import described_catalog, estimate_body
from generation.request_serializer import JobRequestSerializer

JOB_FILTERS = {"status": ("status", Job.Status.values), "model": ("model_key", None),
               "stage": ("stage", STAGES), "batch": ("batch_id", None),
               "template": ("template_id", None), "sku": ("sku", None)}


# Upload ids of the inpaint example: `POST /uploads` answers with ids of this shape.
EXAMPLE_IMAGE_ID = "3f2b6c1e-9d4a-4e7b-8c21-5a0f6e9d4b17"
EXAMPLE_MASK_ID = "b81d0c57-2e6f-4a39-9f04-7c3e1a8d2f60"
JOB_EXAMPLES = [
    OpenApiExample("four drafts", request_only=True, value={
        "model": "stable-image-core", "prompt": "a red handbag on white marble", "n": 4,
        "aspect_ratio": "4:5", "style": "photographic", "seed": 42}),
    OpenApiExample("from a template", request_only=True, value={
        "template": "studio", "slots": {"subject": "leather tote"}, "n": 2}),
    OpenApiExample("inpaint an upload", request_only=True, value={
        "model": "stability-inpaint", "operation": "inpaint", "prompt": "a blue vase",
        "images": [EXAMPLE_IMAGE_ID], "mask": EXAMPLE_MASK_ID}),
    OpenApiExample("Amazon packshot of an upload", request_only=True, value={
        "model": "stability-remove-background", "operation": "packshot",
        "images": [EXAMPLE_IMAGE_ID], "params": {"preset": "amazon-main", "shadow": "none"}}),
    OpenApiExample("estimate only", request_only=True, value={
        "model": "sd3.5-large", "prompt": "a lamp", "n": 2, "stage": "final",
        "dry_run": True}),
    OpenApiExample("accepted", response_only=True, status_codes=["202"], value={
        "id": "5f0c1c5e-8a43-4a43-9d3e-1f0f0f7f2b11", "status": "queued",
        "model": "stable-image-core", "model_id": "stability.stable-image-core-v1:1",
        "operation": "text_to_image", "prompt": "a red handbag on white marble",
        "negative_prompt": "", "n": 4, "seed": 42, "base_seed": 42, "size": "896x1088",
        "width": 896, "height": 1088, "quality": None, "style": "photographic", "params": {},
        "stage": "draft", "template": None, "slots": {}, "batch": None, "sku": "",
        "after": None, "estimated_cost_usd": "0.1600", "error": None, "fallback": None,
        "withheld": [], "attempts": 0, "created_at": "2026-12-02T12:00:00Z", "started_at": None,
        "finished_at": None, "assets": []}),
]


STAGE_PARAMETER = OpenApiParameter(
    "stage", str, enum=["final", "draft", "all"],
    description="Which images: `final` (the default), `draft`, or `all`.")


class JobViewSet(TenantViewSet):
    pagination_class = NewestFirst

    @extend_schema(request=JobRequestSerializer,
                   responses={202: OpenApiResponse(JobSerializer, description="Accepted: the "
                                                   "queued job (its `assets` come later)."),
                              200: OpenApiResponse(EstimateSerializer, description="`dry_run`:"
                                                   " the estimate; nothing was made."),
                              **error_responses(402, 422, 503)},
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
                   parameters=[*list_parameters(JOB_FILTERS), PAGE_SIZE])
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


    @extend_schema(request=None, parameters=[id_parameter("job")], responses={
        **binary_response("image/png", "The contact sheet, a PNG.")})
    @action(detail=True, methods=["get"], url_path="contact-sheet")
    def contact_sheet(self, request: Request, pk: str) -> HttpResponse:
        job, assets = services.job_assets(request_tenant(request), pk)
        try:
            png = exports.contact_sheet(assets, title=f"{job.model_key}: {job.prompt[:60]}")
        except ValueError:
            raise Conflict("job: no images to show yet", field="job") from None
        return HttpResponse(png, content_type="image/png")

    @extend_schema(request=None, parameters=[id_parameter("job"), STAGE_PARAMETER],
                   responses={**binary_response("application/zip", "The images, a ZIP "
                                                "(streamed).")})
    @action(detail=True, methods=["get"])
    def archive(self, request: Request, pk: str) -> StreamingHttpResponse:
        stage = request.query_params.get("stage", "final")
        if stage not in archives.STAGES:
            raise InvalidParameter("stage: must be final, draft or all", field="stage")
        job, assets = services.job_assets(request_tenant(request), pk)
        return archives.build(assets, filename=f"job-{job.pk}-{stage}.zip",
                              stage=None if stage == "all" else stage, scope="job").response()


# --- the model catalog's wire shape (generation.presenters.describe_model builds it) ----------

def _range(what: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2,
                                 help_text=f"{what}: [min, max]")


class OperationLimitsSerializer(serializers.Serializer):
    images = _range("source images")
    mask = serializers.CharField(help_text="none, image, image_or_prompt, prompt, "
                                           "optional_image or optional_any")
    prompt = serializers.CharField(help_text="required, optional or none")
    sizing = serializers.CharField(help_text="output (size asked for), source (the source "
                                             "image's) or target (the canvas to outpaint to)")

    class Meta:
        ref_name = "ModelOperation"


class LifecycleSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="active, legacy or eol (no new jobs)")
    since = serializers.DateField(allow_null=True)
    eol = serializers.DateField(allow_null=True, help_text="when it stops taking jobs")
    successor = serializers.CharField(allow_null=True, help_text="the model to move to")
    successors = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="the model to move to, by operation and then stage (`draft`, `final`)")

    class Meta:
        ref_name = "ModelLifecycle"


class SizeRuleSerializer(serializers.Serializer):
    min = serializers.IntegerField()
    max = serializers.IntegerField()
    multiple_of = serializers.IntegerField()
    max_pixels = serializers.IntegerField()
    max_aspect = serializers.FloatField(allow_null=True)

    class Meta:
        ref_name = "ModelSizeRule"


class InputLimitsSerializer(serializers.Serializer):
    formats = serializers.ListField(child=serializers.CharField())
    min_side = serializers.IntegerField()
    max_side = serializers.IntegerField()
    max_pixels = serializers.IntegerField()
    max_aspect = serializers.FloatField(allow_null=True)

    class Meta:
        ref_name = "ModelInputLimits"


class ModelLimitsSerializer(serializers.Serializer):
    prompt_chars = _range("prompt length")
    negative_prompt_chars = _range("negative prompt length")
    n = _range("images per job")
    per_call = serializers.IntegerField(help_text="images per model call")
    seed = serializers.ListField(child=serializers.IntegerField(), allow_null=True,
                                 help_text="[min, max]; null: the model takes no seed")
    size = SizeRuleSerializer(allow_null=True, help_text="null: only `sizes` and "
                                                         "`aspect_ratios`")
    sizes = serializers.ListField(child=serializers.CharField(), help_text='"WIDTHxHEIGHT"')
    default_size = serializers.CharField()
    aspect_ratios = serializers.DictField(child=serializers.CharField(),
                                          help_text='ratio ("4:5") to size ("896x1152")')
    qualities = serializers.ListField(child=serializers.CharField())
    styles = serializers.ListField(child=serializers.CharField())
    inputs = InputLimitsSerializer(help_text="what source images may be")

    class Meta:
        ref_name = "ModelLimits"


class ParamSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="int, float, bool, enum or string")
    values = serializers.ListField(child=serializers.JSONField(), required=False)
    min = serializers.FloatField(required=False)
    max = serializers.FloatField(required=False)
    max_length = serializers.IntegerField(required=False)
    default = serializers.JSONField(required=False)
    operations = serializers.ListField(child=serializers.CharField(), required=False,
                                       help_text="only for these operations")
    required_for = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        ref_name = "ModelParam"


class PriceSerializer(serializers.Serializer):
    usd = serializers.CharField(help_text="price per image, USD")
    quality = serializers.CharField(allow_null=True, help_text="for this quality only")
    max_pixels = serializers.IntegerField(allow_null=True, help_text="for images up to this "
                                                                     "size")
    estimate = serializers.BooleanField(help_text="true when this is Atelier's estimate per "
                                                  "image, not AWS's own price per image")

    class Meta:
        ref_name = "ModelPrice"


class CatalogModelSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="what `model` takes, e.g. `nova-canvas`")
    name = serializers.CharField()
    model_id = serializers.CharField(help_text="the provider's model id")
    family = serializers.CharField()
    operations = serializers.DictField(child=OperationLimitsSerializer(),
                                       help_text="by operation name")
    regions = serializers.ListField(child=serializers.CharField())
    lifecycle = LifecycleSerializer()
    rate_limit_rpm = serializers.IntegerField(allow_null=True)
    limits = ModelLimitsSerializer()
    params = serializers.DictField(child=ParamSerializer(), help_text="`params` it takes, "
                                                                      "by name")
    prices = PriceSerializer(many=True)
    price_unit = serializers.ChoiceField(choices=["image", "token"],
                                         help_text="how AWS bills the model")
    price_is_estimate = serializers.BooleanField(
        help_text="true when the prices per image are estimates (a model billed per token): "
                  "the charge follows them, but AWS's cost may differ")

    class Meta:
        ref_name = "CatalogModel"


class ModelCatalogSerializer(serializers.Serializer):
    models = CatalogModelSerializer(many=True)

    class Meta:
        ref_name = "ModelCatalog"


class ModelCatalogView(TenantAPIView):
    @extend_schema(responses={200: ModelCatalogSerializer})
    def get(self, request: Request) -> Response:
        return Response({"models": described_catalog()})
