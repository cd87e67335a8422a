"""OpenAPI additions shared by every API operation: the error envelope and Idempotency-Key.

Every 4xx is `{"code", "message", "field"?}` (api.base.api_exception_handler). A
drf-spectacular post-processing hook documents the answers any operation can give (400, 401,
403, 404, 409, 429; 413 and 415 with a body) and the `Idempotency-Key` header of every POST
(api.base.IdempotentPosts); views add what only they can answer (e.g. 402 quota exceeded)
with `error_responses(...)`. A public operation (no key: no `security` in the schema) gets
400 and 429 only, and no Idempotency-Key.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

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
    "description": "Up to 255 printable characters. The same key and body within 24 hours "
                   "replays the first answer (header `Idempotent-Replayed: true`); the same key "
                   "with another body is a 409.",
    "schema": {"type": "string", "maxLength": 255},
}
_METHODS = ("get", "put", "post", "patch", "delete")


class ErrorSerializer(serializers.Serializer):
    """The error envelope (some errors add details, e.g. the quota left)."""

    code = serializers.CharField(help_text="machine-readable, e.g. invalid_parameter")
    message = serializers.CharField(help_text="for people; names the field and the limit")
    field = serializers.CharField(required=False, help_text="the field or parameter at fault")

    class Meta:
        ref_name = ERROR_COMPONENT


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Extra error answers for one view's `extend_schema(responses=...)`."""
    return {code: OpenApiResponse(ErrorSerializer, description=HTTPStatus(code).phrase)
            for code in codes}


def _error_schema() -> dict[str, Any]:
    return {"type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "field": {"type": "string"}}}


def add_common_errors(result: dict[str, Any], generator: Any, request: Any, public: bool
                      ) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: error answers and Idempotency-Key on every API operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, _error_schema())
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
