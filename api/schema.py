"""The OpenAPI schema as partners and their client generators read it.

Generated clients (docs/sdk.md) are only as good as the schema: every answer typed, fields
that are always there marked `required`, no request default the server would refuse, files as
`format: binary`, one stable `operationId`, summary and description per operation (the view's
own docstrings are for us, not for partners). This module holds what every operation shares:

- the error envelope (`Error`, with the extras some errors add), its answers (400, 401, 403,
  404, 409, 429; 413 and 415 with a body) and the `Idempotency-Key` header of every POST
  (api.base.IdempotentPosts), added by the post-processing hook `add_common_errors`; views add
  what only they answer (e.g. 402 quota exceeded) with `error_responses(...)`. A public
  operation (no key: no `security`) gets 400 and 429 only, and no Idempotency-Key;
- the partner-facing name of every operation (`OPERATIONS`), applied by `describe_operations`;
  a new endpoint without an entry fails tests/api/test_schema_sdk.py;
- what the request serializers that validate bodies (core.serializers.StrictFields) refuse:
  unknown fields (`additionalProperties: false`) and blank text (`minLength: 1`), by
  `StrictFieldsSchema`; list page sizes (`page_size_parameter`); the cursor pages' links as
  OpenAPI 3.1 has them, with examples that are links (`describe_pages`).
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any, NamedTuple

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers

from api.base import NewestFirst
from api.idempotency import KEY_MAX_CHARS, KEY_PATTERN

API_PREFIX = "/api/v1/"
ERROR_COMPONENT = "Error"
COMMON_ERRORS = {
    400: "Invalid request: malformed body or parameter, unknown field, or a value outside a "
         "documented limit (`field` names it).",
    401: "No API key, or an invalid or revoked one.",
    403: "The API key lacks the scope this operation needs (`insufficient_scope`).",
    404: "No such object for this tenant (another tenant's objects are not found either).",
    409: "Conflicts with the object's state, or an Idempotency-Key reused for another request.",
    429: "Too many requests for this API key; retry after `Retry-After` seconds.",
}
# Public operations (no `security`: no key, e.g. POST /api/v1/verify) can answer only these,
# and take no Idempotency-Key (they create nothing).
PUBLIC_ERRORS = {
    400: COMMON_ERRORS[400],
    429: "Too many requests from this address; retry after `Retry-After` seconds.",
}
BODY_ERRORS = {
    413: "The body is over the size cap (`request_too_large`).",
    415: "The body's Content-Type is not one this operation reads.",
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": f"1 to {KEY_MAX_CHARS} printable characters, no space at either end (e.g. "
                   "a UUID). The same key and body within 24 hours replays the first answer "
                   "(header `Idempotent-Replayed: true`); the same key with another body is a "
                   "409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX_CHARS,
               "pattern": KEY_PATTERN},
}
_METHODS = ("get", "put", "post", "patch", "delete")


@extend_schema_field({"type": "string", "format": "binary"})
class BinaryFileField(serializers.FileField):
    """A file in a multipart body: `format: binary`, so generated clients send it as a file
    (DRF's FileField is described as a URI, the shape of an answer)."""


class StrictFieldsSchema(OpenApiSerializerExtension):
    """A request body read by a StrictFields serializer (POST /jobs, each batch row, templates,
    webhooks; the batch bodies' schema-only serializers are StrictFields too, as
    api.batches._options refuses unknown fields): what it refuses, in the schema. An unknown
    field is a 400 (`additionalProperties: false`), and so is blank text where the field does
    not allow it (`minLength: 1`; DRF's CharField refuses "" and, trimming, spaces only), and
    an empty list where the field does not allow one (`minItems: 1`). Answers are left open:
    a client must not break on a field added to an answer."""

    target_class = "core.serializers.StrictFields"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer(self.target, direction,
                                                             bypass_extensions=True)
        if direction != "request":
            return schema
        schema["additionalProperties"] = False
        properties = schema.get("properties", {})
        for name, field in self.target.fields.items():
            spec = properties.get(name)
            if spec is None or field.read_only:
                continue
            if isinstance(field, serializers.ListField | serializers.ListSerializer):
                if not field.allow_empty:
                    spec["minItems"] = max(spec.get("minItems", 0), 1)
                field, spec = field.child, spec.get("items", {})
            if isinstance(field, serializers.CharField) and not field.allow_blank:
                spec["minLength"] = max(spec.get("minLength", 0), 1)
        return schema


def page_size_parameter(paginator: Any) -> OpenApiParameter:
    """`limit` of a list whose paginator (api.base.NewestFirst) refuses a page size below 1:
    1 or more; above its maximum means the maximum (not refused, so no `maximum` here)."""
    most, default = paginator.max_page_size, paginator.page_size
    return OpenApiParameter(
        "limit", {"type": "integer", "minimum": 1},
        description=f"Page size: 1 or more (default {default}); above {most} means {most}.")


# `limit` of the lists paged by api.base.NewestFirst (after list_parameters, which it replaces).
PAGE_SIZE = page_size_parameter(NewestFirst)


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number: 1 is the first item, or the "
                                             "CSV's first row after the header.")
    column = serializers.CharField(allow_null=True, help_text="The field or CSV column at "
                                                              "fault, if one is.")
    code = serializers.CharField(help_text="e.g. `invalid_parameter`, `duplicate_sku`")
    message = serializers.CharField(help_text="Names the column and the limit.")

    class Meta:
        ref_name = "RowError"


class ErrorSerializer(serializers.Serializer):
    """Every error answer: `code` and `message`, `field` when one field is at fault, and the
    details some errors add (each listed with the errors that add it)."""

    code = serializers.CharField(help_text="Machine-readable, e.g. `invalid_parameter`, "
                                           "`quota_exceeded`, `not_found`.")
    message = serializers.CharField(help_text="For people: names the field and the limit.")
    field = serializers.CharField(required=False, help_text="The field or parameter at fault.")
    missing = serializers.ListField(child=serializers.CharField(), required=False,
                                    help_text="A template's slots left empty (field `slots`).")
    unknown = serializers.ListField(child=serializers.CharField(), required=False,
                                    help_text="Slots the template does not have.")
    slots = serializers.ListField(child=serializers.CharField(), required=False,
                                  help_text="All of the template's slots.")
    successor = serializers.CharField(required=False, allow_null=True,
                                      help_text="`model_retired`: the model to use instead.")
    images_left = serializers.IntegerField(required=False,
                                           help_text="`quota_exceeded`: images left this "
                                                     "month.")
    budget_left_usd = serializers.CharField(required=False,
                                            help_text="`budget_exceeded`: spend left this "
                                                      "month, in USD.")
    month = serializers.CharField(required=False, help_text="The quota's month, YYYY-MM.")
    policy = serializers.CharField(required=False,
                                   help_text="`prompt_blocked`: the policy that refused it.")
    reason = serializers.CharField(required=False,
                                   help_text="`prompt_blocked`: why, in a few words.")
    stage = serializers.CharField(required=False,
                                  help_text="An empty archive: the stage asked for.")
    images_by_stage = serializers.DictField(child=serializers.IntegerField(), required=False,
                                            help_text="An empty archive: the images there "
                                                      "are, by stage.")
    error_count = serializers.IntegerField(required=False,
                                           help_text="`invalid_batch`: how many errors in all.")
    errors = RowErrorSerializer(many=True, required=False,  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Serializer.errors
                                help_text="`invalid_batch`: the first 100 errors, in row "
                                          "order.")

    class Meta:
        ref_name = ERROR_COMPONENT


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Extra error answers for one view's `extend_schema(responses=...)`."""
    return {code: OpenApiResponse(ErrorSerializer, description=HTTPStatus(code).phrase)
            for code in codes}


def binary_response(media_type: str, description: str) -> dict[Any, OpenApiResponse]:
    """A 200 whose body is a file of `media_type` (an archive, a contact sheet)."""
    return {(200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description)}


def add_common_errors(result: dict[str, Any], generator: Any, request: Any, public: bool
                      ) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: error answers and Idempotency-Key on every API operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    if ERROR_COMPONENT not in schemas:  # every schema has it (views use error_responses)
        raise LookupError(f"the {ERROR_COMPONENT} component is missing")
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            public = not operation.get("security")
            responses = operation.setdefault("responses", {})
            errors = {**(PUBLIC_ERRORS if public else COMMON_ERRORS),
                      **(BODY_ERRORS if "requestBody" in operation else {})}
            for code, description in errors.items():
                responses.setdefault(str(code), {
                    "description": description,
                    "content": {"application/json": {"schema": reference}}})
            parameters = operation.setdefault("parameters", [])
            if method == "post" and not public and not any(
                    p.get("name") == IDEMPOTENCY_KEY["name"] for p in parameters):
                parameters.append(dict(IDEMPOTENCY_KEY))
    return result


class Operation(NamedTuple):
    id: str  # the operationId: a generated client's function name; never change one
    tag: str  # the group (a generated client's module)
    summary: str
    description: str | None  # None: the view's own `extend_schema(description=...)`


_WRITE = "Needs a key with the `write` scope."
OPERATIONS: dict[tuple[str, str], Operation] = {
    ("post", "/api/v1/jobs"): Operation(
        "create_job", "jobs", "Submit a job",
        "Make 1 to n images with one model: from a prompt, from a brand template and its "
        "`slots`, or from uploaded images (`images`, `mask`), including the compositions "
        "`packshot` (a product photo cut out by the model and centred on a marketplace "
        "preset's canvas, charged as the cut-out) and `shadow` (on the `local` model, "
        "free). Answers 202 with the queued job "
        "(poll `GET /jobs/{id}` or subscribe to the `job.*` webhooks), or, with `dry_run`, 200 "
        "with the estimate and nothing made. Fields left out come from the template, then from "
        f"the model; a field given always wins. {_WRITE}"),
    ("get", "/api/v1/jobs"): Operation(
        "list_jobs", "jobs", "List jobs",
        "Your jobs, newest first, in cursor pages (follow `next`), without their images; "
        "filter by status, model, stage, batch, template, SKU and creation time."),
    ("get", "/api/v1/jobs/{id}"): Operation(
        "get_job", "jobs", "Get a job",
        "One job with its images: each approved image has a time-limited `url`, a "
        "`thumbnail_url` and its web `renditions`."),
    ("post", "/api/v1/jobs/{id}/cancel"): Operation(
        "cancel_job", "jobs", "Cancel a job",
        f"Stop a queued or running job; images already made are kept. {_WRITE}"),
    ("get", "/api/v1/jobs/{id}/archive"): Operation(
        "download_job_archive", "jobs", "Download a job's images as a ZIP",
        "The job's approved images of one stage (`final` by default) as a ZIP, streamed. A 409 "
        "says which stages do have images when the one asked for has none."),
    ("get", "/api/v1/jobs/{id}/contact-sheet"): Operation(
        "get_job_contact_sheet", "jobs", "Get a job's contact sheet",
        "A PNG showing the job's approved images side by side, for a quick review; 409 "
        "before it has any."),
    ("get", "/api/v1/models"): Operation(
        "list_models", "models", "List the models",
        "Every model you can name in `model`: its operations, limits (sizes, aspect ratios, "
        "n, prompt length, input images), parameters, prices and lifecycle."),
    ("post", "/api/v1/uploads"): Operation(
        "create_upload", "uploads", "Upload a source image or mask",
        "Send an image for `images` or `mask`: as a multipart `file`, or as JSON with the "
        "image in base64 `data` (and an optional `filename`). Answers 201 with the upload, "
        f"whose `id` jobs take. {_WRITE}"),
    ("get", "/api/v1/usage"): Operation(
        "get_usage", "usage", "Get the month's usage",
        "Images and spend used this month (or `month`), held for running jobs, and what is "
        "left of your quota and budget."),
    ("get", "/api/v1/fallbacks"): Operation(
        "get_fallbacks", "fallbacks", "Get your fallback models",
        "For each model you named one for, the model that runs instead when it is retired or "
        "unavailable (a brand template's own `fallback_model` wins for its jobs)."),
    ("put", "/api/v1/fallbacks"): Operation(
        "set_fallbacks", "fallbacks", "Set your fallback models",
        "Replace your fallbacks: when a model is retired or unavailable, jobs naming it run on "
        "its fallback instead (the job's `fallback` says so, a `job.fallback` webhook is sent, "
        "and the price is the fallback's) rather than failing. `{}` removes them all. "
        f"{_WRITE}"),
    ("post", "/api/v1/prompts/suggest"): Operation(
        "suggest_prompt", "prompts", "Suggest a prompt from a brief",
        "From a short `brief` (at most 500 characters), a prompt ordered subject, action, "
        "setting, lighting, style, camera and composition; a negative prompt; and an aspect "
        "ratio for the `use` (read from the brief when not given). With `model`, the aspect "
        "ratio is one the model takes and both prompts fit its limits. The brief and the "
        "suggestion are moderated as a job's prompt is (422 `prompt_blocked`). Made by "
        "Atelier's rules (`source: rules`), or by a text model when the operator configured "
        "one (`source: model`, with its `cost_usd` and `tokens`, also listed under "
        "`prompt_assistant` in `GET /usage`). Makes no job and no image. "
        f"{_WRITE}"),
    ("post", "/api/v1/trials"): Operation(
        "create_trial", "trials", "Start a side-by-side model trial",
        "The same 1 to 10 `prompts` on 1 to 6 distinct `models` (each must make images from "
        "text and be callable now), one image per prompt and model, with one `seed` clamped "
        "into each model's range. Every cell is a job checked, priced and moderated as "
        "`POST /jobs` would; the whole group is held against the month's quota and budget at "
        "once, and refused as a whole (nothing made or held) when it does not fit. Answers 202 "
        f"with the grid; poll `GET /trials/{{id}}` until `finished`. {_WRITE}"),
    ("get", "/api/v1/trials"): Operation(
        "list_trials", "trials", "List trials",
        "Your trials, newest first, in cursor pages: prompts, models, seed, price and "
        "favourites (get one trial for its grid)."),
    ("get", "/api/v1/trials/{id}"): Operation(
        "get_trial", "trials", "Get a trial's grid",
        "Model columns (operations, seed, total) by prompt rows; each cell with its job, "
        "status, image (as the job gives it), latency and price. A trial costs exactly the "
        "sum of its jobs."),
    ("post", "/api/v1/trials/{id}/favourites"): Operation(
        "set_trial_favourite", "trials", "Mark or unmark a favourite cell",
        f"Mark the cell at `row` (prompt) and `column` (model); `favourite: false` unmarks it. "
        f"{_WRITE}"),
    ("post", "/api/v1/trials/{id}/adopt"): Operation(
        "adopt_trial_model", "trials", "Make a trial's model a template's default",
        "Set one of the trial's models as the default model of one of your text-to-image "
        f"brand templates; answers the template. {_WRITE}"),
    ("post", "/api/v1/verify"): Operation("verify_image", "verify", "Verify an image", None),
    ("get", "/api/v1/assets"): Operation(
        "list_assets", "assets", "List images",
        "Your images and uploads, newest first, in cursor pages; filter by stage, kind, model, "
        "job, moderation status and creation time."),
    ("get", "/api/v1/assets/{id}"): Operation(
        "get_asset", "assets", "Get an image",
        "One image or upload, with fresh time-limited links when it is approved."),
    ("delete", "/api/v1/assets/{id}"): Operation(
        "delete_asset", "assets", "Delete an image",
        f"Delete the image, its renditions and its stored files. {_WRITE}"),
    ("post", "/api/v1/assets/{id}/promote"): Operation(
        "promote_asset", "assets", "Promote a draft to final",
        "Make a final, full-quality version of a draft image; archives take final images by "
        f"default. {_WRITE}"),
    ("post", "/api/v1/batches"): Operation("create_batch", "batches", "Submit a batch", None),
    ("get", "/api/v1/batches"): Operation(
        "list_batches", "batches", "List batches",
        "Your batches with their progress, newest first, in cursor pages."),
    ("get", "/api/v1/batches/{id}"): Operation(
        "get_batch", "batches", "Get a batch",
        "A batch's progress: its jobs by status, images made and `progress` from 0 to 1."),
    ("get", "/api/v1/batches/{id}/results"): Operation(
        "list_batch_results", "batches", "Get a batch's results by SKU",
        "Each row's job, status, error and approved images, keyed by SKU, in cursor pages."),
    ("get", "/api/v1/batches/{id}/archive"): Operation(
        "download_batch_archive", "batches", "Download a batch's images as a ZIP",
        "The batch's approved images of one stage (`final` by default) as a ZIP with a folder "
        "per SKU, streamed. A 409 says which stages do have images when the one asked for has "
        "none."),
    ("post", "/api/v1/batches/{id}/cancel"): Operation(
        "cancel_batch", "batches", "Cancel a batch",
        f"Cancel the batch's queued jobs; finished jobs and their images are kept. {_WRITE}"),
    ("get", "/api/v1/templates"): Operation(
        "list_templates", "templates", "List brand templates",
        "Your brand templates, newest first, in cursor pages."),
    ("post", "/api/v1/templates"): Operation(
        "create_template", "templates", "Create a brand template",
        "A house prompt with `{slot}` placeholders and the defaults (model, size, style, ...) "
        f"of every job made from it. {_WRITE}"),
    ("get", "/api/v1/templates/{id}"): Operation(
        "get_template", "templates", "Get a brand template", "One brand template."),
    ("patch", "/api/v1/templates/{id}"): Operation(
        "update_template", "templates", "Change a brand template",
        "Change the fields given; jobs made from it before keep what they asked for. "
        f"{_WRITE}"),
    ("delete", "/api/v1/templates/{id}"): Operation(
        "delete_template", "templates", "Delete a brand template",
        f"Jobs and batches made from it keep their own copy of what was asked. {_WRITE}"),
    ("get", "/api/v1/webhooks"): Operation(
        "list_webhooks", "webhooks", "List webhook endpoints",
        "Your webhook endpoints (never their secrets), newest first, in cursor pages."),
    ("post", "/api/v1/webhooks"): Operation(
        "create_webhook", "webhooks", "Create a webhook endpoint", None),
    ("get", "/api/v1/webhooks/{id}"): Operation(
        "get_webhook", "webhooks", "Get a webhook endpoint",
        "One webhook endpoint (never its secret)."),
    ("delete", "/api/v1/webhooks/{id}"): Operation(
        "delete_webhook", "webhooks", "Delete a webhook endpoint",
        f"Delete it, with its delivery log and any pending retries. {_WRITE}"),
    ("get", "/api/v1/webhooks/{id}/deliveries"): Operation(
        "list_webhook_deliveries", "webhooks", "List an endpoint's deliveries", None),
    ("post", "/api/v1/webhooks/{id}/test"): Operation(
        "test_webhook", "webhooks", "Send a test event", None),
    ("post", "/api/v1/webhooks/{id}/rotate-secret"): Operation(
        "rotate_webhook_secret", "webhooks", "Rotate the signing secret", None),
    # Marketplace presets and the compliance check (api/presets.py, docs/ecommerce.md).
    ("get", "/api/v1/presets"): Operation(
        "list_presets", "presets", "List marketplace presets",
        "The built-in marketplace presets (Amazon main and secondary, Shopify, Etsy, eBay, "
        "Google Merchant Center, tall apparel) and your own: size limits, aspect, background, "
        "minimum fill, formats, colour space, transparency, and the page each number comes "
        "from."),
    ("post", "/api/v1/assets/{id}/check"): Operation(
        "check_asset", "assets", "Check an image against a marketplace preset",
        "Measure one of your images against `preset` and answer pass or fail per rule "
        "(format, size, aspect, colour space, transparency, background purity, product fill, "
        "text in the background) with the measured value, the limit and the fix that would "
        "make it pass. Changes nothing. 409 for an image rejected by moderation. "
        f"{_WRITE}"),
}

# Component descriptions for partners (a serializer's docstring is written for us).
COMPONENTS = {
    "Job": "A job: what was asked, its status and, once made, its images (`assets`).",
    "JobList": "A job as lists show it: without its images (get the job for them).",
    "JobRequest": "The body of `POST /jobs` and, plus `sku`, of each batch row. Leave out what "
                  "the template or the model should decide.",
    "Asset": "An image (made or uploaded). `url`, `thumbnail_url` and `renditions` are set "
             "once it is approved, and expire (`url_expires_at`): get the asset again for "
             "fresh ones.",
    "Estimate": "A dry run: what the job would make and cost, and the month's quota.",
}


def describe_operations(result: dict[str, Any], generator: Any, request: Any, public: bool
                        ) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: each operation's operationId, tag, summary and description
    from OPERATIONS; components' descriptions from COMPONENTS."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            named = OPERATIONS.get((method, path))
            if method not in _METHODS or named is None:
                continue
            operation["operationId"] = named.id
            operation["tags"] = [named.tag]
            operation["summary"] = named.summary
            if named.description is not None:
                operation["description"] = named.description
    schemas = result.get("components", {}).get("schemas", {})
    for name, description in COMPONENTS.items():
        if name in schemas:
            schemas[name]["description"] = description
    describe_pages(result)
    return result


EXAMPLE_SERVER = "https://atelier.example.com"
# A cursor as NewestFirst issues it (base64 of `p=<created_at>`), URL-encoded.
EXAMPLE_CURSOR = "cD0yMDI2LTEyLTAyKzEyJTNBMDAlM0EwMCUyQjAwJTNBMDA%3D"
EXAMPLE_ID = "5f0c1c5e-8a43-4a43-9d3e-1f0f0f7f2b11"


def describe_pages(result: dict[str, Any]) -> None:
    """The cursor pages' `next` and `previous` (DRF's CursorPagination describes them in OAS
    3.0 terms): `null` in the 3.1 way (`nullable` means nothing there), and an example link of
    the list itself in place of DRF's (another API's, with a stray quote in it)."""
    schemas = result.get("components", {}).get("schemas", {})
    for path, operations in result.get("paths", {}).items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        ref = answer.get("content", {}).get("application/json", {}).get("schema", {}).get(
            "$ref", "")
        page = schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
        for link in ("next", "previous"):
            spec = page.get(link)
            if spec is None or "example" not in spec:
                continue
            if spec.pop("nullable", False):
                spec["type"] = [spec["type"], "null"]
            listed = re.sub(r"\{[^}]*\}", EXAMPLE_ID, path)  # /webhooks/{id}/deliveries
            spec["example"] = f"{EXAMPLE_SERVER}{listed}?cursor={EXAMPLE_CURSOR}"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The API-key bearer scheme. Defined here, with the rest of the schema, so that only
    processes that describe the API load drf-spectacular's machinery (a worker does not)."""

    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "atl_<prefix>_<secret>",
                "description": "A tenant API key, created by `create_tenant` and shown once."}
