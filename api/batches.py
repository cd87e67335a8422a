"""REST endpoints for batches: parse the body (JSON items, a multipart CSV or a text/csv body),
call one service, shape the answer. Rows, rules and money live in generation.batches.

POST /batches takes a body of at most `batch_body_limit` bytes, refused by its Content-Length
before it is read (core.body_limits): a text/csv body is the CSV itself, so over
ATELIER_BATCH_MAX_BYTES it gets the CSV's own 400; JSON and multipart bodies over theirs a 413.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_api_key, request_tenant
from api.base import (
    NewestFirst,
    TenantViewSet,
    filtered,
    id_parameter,
    list_parameters,
    ordered_paginator,
    serializer_context,
)
from api.jobs import STAGE_PARAMETER
from api.parsers import JSONParser
from api.schema import (
    PAGE_SIZE,
    BinaryFileField,
    ErrorSerializer,
    binary_response,
    error_responses,
)
from api.serializers import JobErrorSerializer
from assets import archives
from assets.serializers import AssetSerializer
from catalog.scenes import SCENE_KEYS
from core.body_limits import body_too_large, limit_body, room_for
from core.errors import AtelierError, InvalidParameter, InvalidRequest
from core.serializers import StrictFields
from generation import batch_progress, batch_results, batches
from generation.batch_chains import SCENES_MAX
from generation.batch_input import CSV_COLUMNS, csv_hint, csv_too_large
from generation.batch_packshots import PACKSHOTS_MAX
from generation.models import Batch, Job
from generation.refinements import AD_FORMATS
from generation.request_serializer import JobRequestSerializer

OPTIONS = ("template", "model", "name")
# The examples name what a tenant can have: the template `studio` (a prompt with a `{subject}`
# slot; tests/api/test_schema_fuzz.py's tenant has one) and catalog models that take new jobs.
JSON_EXAMPLE = {"name": "spring catalog", "template": "studio",
                "items": [{"sku": "TEA-001", "slots": {"subject": "a cast-iron teapot"}},
                          {"sku": "TEA-002", "slots": {"subject": "a glass teapot"}, "n": 2,
                           "seed": 42}]}
CSV_EXAMPLE = ("sku,prompt,model,n\n"
               "TEA-001,a cast-iron teapot on white marble,stable-image-core,1\n"
               "TEA-002,a glass teapot on white marble,stable-image-core,2\n")


class CsvBodyParser(BaseParser):
    """A `text/csv` body, handed on as the file it is (options come in the query string)."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        data = stream.read(settings.ATELIER_BATCH_MAX_BYTES + 1) if stream else b""
        return {"file": io.BytesIO(data)}


def _is_csv_body(request: HttpRequest) -> bool:
    return (request.content_type or "").split(";")[0].strip().lower() == CsvBodyParser.media_type


def batch_body_limit(request: HttpRequest) -> int:
    """A text/csv body is the CSV: ATELIER_BATCH_MAX_BYTES. A JSON body or a multipart form
    (the CSV as a file, or as base64 text from the dashboard's preview): room for the CSV."""
    csv_bytes = settings.ATELIER_BATCH_MAX_BYTES
    return csv_bytes if _is_csv_body(request) else room_for(csv_bytes)


def batch_body_refusal(request: HttpRequest, limit: int, size: int | None) -> AtelierError:
    """A CSV body over its limit: the CSV's own 400 (as when it is read); else the 413."""
    if _is_csv_body(request):
        return csv_too_large()
    return body_too_large(limit, size, csv_hint())


# --- wire shapes (the schema; the rows themselves are checked by the service) -------------------

class BatchItemSerializer(JobRequestSerializer):
    sku = serializers.CharField(max_length=200, help_text="The row's product id, unique in "
                                                          "the batch; its results' key.")
    packshots = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, min_length=1,
        max_length=PACKSHOTS_MAX,
        help_text="Preset keys (`GET /api/v1/presets`): a `packshot` job for each, from the "
                  "row's product photo (`images`), checked against its preset as it is stored. "
                  "The row then names no operation, preset or template.")
    scenes = serializers.ListField(
        child=serializers.ChoiceField(choices=list(SCENE_KEYS)), required=False, min_length=1,
        max_length=SCENES_MAX,
        help_text="Scene keys (catalog/scenes.yaml): the row's photo (`images`) is cut out "
                  "(`remove_background`), then a `scene` job per scene places the cut-out; each "
                  "waits for the job before it. The row's prompt, size or aspect ratio, seed "
                  "and scene params apply to the scenes.")
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=list(AD_FORMATS)), required=False, min_length=1,
        max_length=len(AD_FORMATS),
        help_text="Ad formats (aspect ratios): an `outpaint` job per format after each scene, "
                  "or, without scenes, of the photo itself.")
    cutout_model = serializers.CharField(
        required=False, max_length=64,
        help_text="The cut-out's model (default: the first callable of "
                  "stability-remove-background, nova-2-omni, nova-canvas).")
    scene_model = serializers.CharField(
        required=False, max_length=64,
        help_text="The scenes' model (default: the row's or batch's model if it makes scenes, "
                  "else the first callable of stable-image-core, stable-image-ultra, "
                  "sd3.5-large).")
    format_model = serializers.CharField(
        required=False, max_length=64,
        help_text="The ad formats' model (default: the first callable of stability-outpaint, "
                  "nova-canvas, titan-image-v2).")
    dry_run = None  # type: ignore[assignment]  # removes the inherited field (DRF's way), not a field of its own

    class Meta:
        ref_name = "BatchItem"


class BatchRequestSerializer(StrictFields, serializers.Serializer):
    """The JSON body (the view reads it with _options: an unknown field is refused, and a
    blank `template` or `model` is none)."""

    template = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                     max_length=100,
                                     help_text="A brand template (id or name) for every row "
                                               "that names none (null in a row: no template).")
    model = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                  max_length=64, help_text="The model of rows that name none.")
    name = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                 help_text="For you, e.g. `spring catalog`.")
    items = BatchItemSerializer(many=True, allow_empty=False,
                                help_text="The rows (1 to ATELIER_BATCH_MAX_ROWS, 10,000 by "
                                          "default): POST /jobs fields plus `sku`.")

    class Meta:
        ref_name = "BatchRequest"


class BatchUploadSerializer(StrictFields, serializers.Serializer):
    """The multipart form (read with _options, as the JSON body)."""

    file = BinaryFileField(help_text=f"The CSV, UTF-8, with a header row: {', '.join(CSV_COLUMNS)}"
                                     " or the template's slot names.")
    template = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                     help_text="A brand template (id or name) for every row.")
    model = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                  help_text="The model of rows that name none.")
    name = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                 help_text="Default: the file's name.")

    class Meta:
        ref_name = "BatchUpload"


class PresetSummarySerializer(serializers.Serializer):
    skus = serializers.IntegerField(help_text="rows that asked for a packshot for this preset")
    passed = serializers.IntegerField(help_text="SKUs whose approved packshot passes the "
                                                "preset's compliance check")
    failed = serializers.IntegerField(help_text="SKUs whose approved packshot fails it")
    no_image = serializers.IntegerField(help_text="SKUs without an approved packshot (yet: "
                                                  "queued, running, in review; or failed)")

    class Meta:
        ref_name = "BatchPresetSummary"


class BatchSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "running", "completed", "canceled"])
    source = serializers.ChoiceField(choices=["json", "csv"])  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Field.source
    template = serializers.UUIDField(allow_null=True)
    items = serializers.IntegerField(help_text="rows")
    jobs = serializers.IntegerField(help_text="jobs: one per row, or per packshot, scene or "
                                              "ad format of a row (and a scene row's cut-out)")
    images = serializers.IntegerField(help_text="images asked for")
    images_made = serializers.IntegerField(help_text="images made so far (not rejected)")
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="jobs per status (`waiting`: for the job whose "
                                             "image they start from)")
    progress = serializers.FloatField(help_text="finished jobs / jobs, 0 to 1")
    compliance = serializers.DictField(
        child=PresetSummarySerializer(),
        help_text="Per preset the rows' packshots were made for (empty without packshots): "
                  "how many SKUs pass its compliance check.")
    estimated_cost_usd = serializers.DecimalField(max_digits=14, decimal_places=4)
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Batch"


class PackshotResultSerializer(serializers.Serializer):
    job = serializers.UUIDField(help_text="the packshot's job")
    status = serializers.CharField(help_text="the job's status")
    error = JobErrorSerializer(allow_null=True, help_text="why the job failed, if it did")
    passed = serializers.BooleanField(allow_null=True,
                                      help_text="whether its approved image passes the preset's "
                                                "compliance check; null without one")
    failed = serializers.ListField(child=serializers.CharField(),
                                   help_text="the rules it fails (the image's `compliance` has "
                                             "each rule's measure and fix)")

    class Meta:
        ref_name = "BatchPackshotResult"


class BatchStepSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    operation = serializers.CharField(help_text="packshot, remove_background (the scenes' "
                                                "cut-out), scene or outpaint (an ad format)")
    preset = serializers.CharField(allow_null=True, help_text="a packshot's preset")
    scene = serializers.CharField(allow_null=True, help_text="a scene's key, or the scene an "
                                                             "ad format extends")
    format = serializers.CharField(allow_null=True, help_text="an ad format's aspect ratio")
    after = serializers.UUIDField(allow_null=True, help_text="the job whose image it starts "
                                                             "from; null: the row's photo")
    status = serializers.CharField(help_text="the job's status (`waiting`: for `after`)")
    error = JobErrorSerializer(allow_null=True)

    class Meta:
        ref_name = "BatchStep"


class BatchResultSerializer(serializers.Serializer):
    job = serializers.UUIDField(allow_null=True,
                                help_text="the row's job; null when the row made several "
                                          "(its packshots: see `packshots`)")
    status = serializers.CharField(help_text="the job's status; for several, theirs when they "
                                             "agree, else running, partially_succeeded or "
                                             "failed")
    error = JobErrorSerializer(allow_null=True, help_text="why the job failed, if it did "
                                                          "(the first, for several)")
    packshots = serializers.DictField(
        child=PackshotResultSerializer(), allow_null=True,
        help_text="a row of packshots: each by its preset's key; null for other rows")
    steps = BatchStepSerializer(
        many=True, allow_null=True,
        help_text="a row that made several jobs (packshots, scenes, ad formats): each job and "
                  "the job it starts from; null for a row of one job")
    assets = AssetSerializer(many=True, help_text="approved images only (a packshot's with "
                                                  "its `compliance`)")

    class Meta:
        ref_name = "BatchResult"


class BatchResultsPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="the next page; null on the last")
    previous = serializers.URLField(allow_null=True)
    results = serializers.DictField(child=BatchResultSerializer(), help_text="by SKU")

    class Meta:
        ref_name = "BatchResultsPage"


class BySku(CursorPagination):
    ordering = "sku"  # distinct SKUs are paged (unique within a batch): a stable cursor
    page_size = 100
    page_size_query_param = "limit"
    max_page_size = 500


def _sku_result(jobs: list[Job], context: dict[str, Any]) -> dict[str, Any]:
    """A row's result: its job, or (packshots) its jobs by preset, and its approved images."""
    error = next((batch_results.job_error(job) for job in jobs if job.error_code), None)
    images = [asset for job in jobs for asset in job.approved_assets]  # type: ignore[attr-defined]  # Prefetch(to_attr=) in batch_results.results()
    return {"job": str(jobs[0].pk) if len(jobs) == 1 else None,
            "status": batch_results.row_status([job.status for job in jobs]), "error": error,
            "packshots": batch_results.packshots(jobs), "steps": batch_results.steps(jobs),
            "assets": AssetSerializer(images, many=True, context=context).data}


def _options(data: Any, allowed: tuple[str, ...]) -> dict[str, str | None]:
    if not isinstance(data, Mapping):
        raise InvalidRequest("body: a JSON object with items, or a CSV file")
    unknown = sorted(set(data) - set(allowed), key=str)
    if unknown:
        raise InvalidParameter(f"{unknown[0]}: unknown field", field=str(unknown[0]))
    found = {}
    for name in OPTIONS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidParameter(f"{name}: expected text", field=name)
        found[name] = value
    return found


def _csv_file(upload: Any) -> bytes:
    if not hasattr(upload, "read"):
        raise InvalidParameter("file: send the CSV as a multipart file", field="file")
    data = upload.read(settings.ATELIER_BATCH_MAX_BYTES + 1)
    return data.encode() if isinstance(data, str) else data


class BatchViewSet(TenantViewSet):
    """Catalog batches: POST rows (JSON, multipart CSV or a text/csv body), then follow their
    progress, page through the results by SKU, download the images as a ZIP, or cancel."""

    parser_classes = [JSONParser, MultiPartParser, CsvBodyParser]
    pagination_class = NewestFirst

    @limit_body(batch_body_limit, refusal=batch_body_refusal)
    @extend_schema(
        request={"application/json": BatchRequestSerializer,
                 "multipart/form-data": BatchUploadSerializer,
                 "text/csv": {"type": "string", "format": "binary"}},
        responses={202: BatchSerializer,
                   400: OpenApiResponse(ErrorSerializer, description="The batch refused: "
                                        "`invalid_batch` with `errors` by row and column, "
                                        "or the request's own error."),
                   **error_responses(402, 503)},
        parameters=[OpenApiParameter(name, str, description=f"With a text/csv body: the "
                                     f"batch's {name} (other bodies carry it themselves).")
                    for name in OPTIONS],
        examples=[OpenApiExample("JSON rows with a template", value=JSON_EXAMPLE,
                                 request_only=True, media_type="application/json"),
                  OpenApiExample("a CSV body", value=CSV_EXAMPLE, request_only=True,
                                 media_type="text/csv")],
        description="Many rows, one job each, accepted or refused as a whole: every row is "
                    "checked (errors list row and column) and the batch is reserved against "
                    "the month's quota before any job is queued.")
    def create(self, request: Request) -> Response:
        tenant = request_tenant(request)
        data, media_type = request.data, request.content_type.split(";")[0].strip().lower()
        if media_type in ("multipart/form-data", CsvBodyParser.media_type):
            if media_type == CsvBodyParser.media_type:
                options = _options(request.query_params.dict(), OPTIONS)
            else:
                options = _options(data, (*OPTIONS, "file"))
            assert isinstance(data, Mapping)  # what the multipart and CSV parsers give
            upload = data.get("file")
            csv_data = _csv_file(upload)
            name = options["name"] or getattr(upload, "name", "") or ""
            batch = batches.submit_batch(
                tenant, csv_data=csv_data, template=options["template"],
                model=options["model"], name=name, api_key=request_api_key(request))
        else:
            options = _options(data, (*OPTIONS, "items"))
            assert isinstance(data, Mapping)  # _options refused anything else
            batch = batches.submit_batch(
                tenant, items=data.get("items"), template=options["template"],
                model=options["model"], name=options["name"] or "",
                api_key=request_api_key(request))
        return Response(batches.describe(batch), status=status.HTTP_202_ACCEPTED,
                        headers={"Location": f"/api/v1/batches/{batch.pk}"})

    @extend_schema(responses=BatchSerializer(many=True),
                   parameters=[*list_parameters({}), PAGE_SIZE])
    def list(self, request: Request) -> Response:
        paginator = ordered_paginator(request)
        found = filtered(request, Batch.objects.for_tenant(request_tenant(request)), {})
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(batch_progress.describe_many(list(page or [])))

    @extend_schema(responses=BatchSerializer, parameters=[id_parameter("batch")])
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(batches.describe(batches.get_batch(request_tenant(request), pk)))

    @extend_schema(responses=BatchResultsPageSerializer, parameters=[
        id_parameter("batch"), OpenApiParameter("limit", int, description="SKUs per page "
                                                "(default 100, at most 500)"),
        OpenApiParameter("cursor", str, description="from a previous page's `next`")])
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str) -> Response:
        tenant = request_tenant(request)
        batch = batches.get_batch(tenant, pk)
        paginator = BySku()
        page = paginator.paginate_queryset(batch_results.skus(tenant, batch), request, view=self)
        jobs = batch_results.results(tenant, batch).filter(
            sku__in=[row["sku"] for row in page or []])
        context = serializer_context(request)
        keyed = {sku: _sku_result(row, context)
                 for sku, row in batch_results.by_sku(jobs).items()}
        return Response({"next": paginator.get_next_link(),
                         "previous": paginator.get_previous_link(), "results": keyed})

    @extend_schema(request=None, parameters=[id_parameter("batch"), STAGE_PARAMETER],
                   responses={**binary_response("application/zip", "The images, a ZIP with a "
                                                "folder per SKU (streamed).")})
    @action(detail=True, methods=["get"])
    def archive(self, request: Request, pk: str) -> StreamingHttpResponse:
        stage = request.query_params.get("stage", "final")
        if stage not in archives.STAGES:
            raise InvalidParameter("stage: must be final, draft or all", field="stage")
        batch, assets = batch_results.batch_assets(request_tenant(request), pk)
        return archives.build(assets, filename=f"batch-{batch.pk}-{stage}.zip",
                              stage=None if stage == "all" else stage, scope="batch",
                              folder=batch_results.sku_folders()).response()

    @extend_schema(request=None, responses=BatchSerializer, parameters=[id_parameter("batch")])
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        batch = batches.cancel_batch(request_tenant(request), pk)
        return Response(batches.describe(batch))

