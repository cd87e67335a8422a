"""Atelier's domain errors: `code`, `message` and, where one field is at fault, `field`.

Services raise these; the DRF exception handler (`api.base`) and the CLI wrapper
(`core.cli`) are the only translators, so the API and the command line say the same thing.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class AtelierError(Exception):
    """Base of every expected, explainable failure."""

    code = "error"
    http_status = HTTPStatus.BAD_REQUEST

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        return body


class InvalidRequest(AtelierError):
    """The request itself is malformed or outside a documented limit."""

    code = "invalid_request"


class InvalidParameter(InvalidRequest):
    """One field is outside the model's limits; the message names the field and the limit."""

    code = "invalid_parameter"


class RequestTooLarge(InvalidRequest):
    """The body is over the byte cap (Django's DATA_UPLOAD_MAX_MEMORY_SIZE)."""

    code = "request_too_large"
    http_status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class NotFound(AtelierError):
    code = "not_found"
    http_status = HTTPStatus.NOT_FOUND


class Conflict(AtelierError):
    code = "conflict"
    http_status = HTTPStatus.CONFLICT


class ConfigurationError(AtelierError):
    code = "configuration_error"
    http_status = HTTPStatus.INTERNAL_SERVER_ERROR
