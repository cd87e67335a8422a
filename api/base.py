"""Shared pieces of the REST API: the error envelope, pagination, the serializer context."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_aware, make_aware
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions as drf_exceptions
from rest_framework import viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from api import idempotency
from api.authentication import InsufficientScope, request_tenant
from core.errors import AtelierError, InvalidParameter, InvalidRequest, RequestTooLarge


class NewestFirst(CursorPagination):
    """Cursor pagination for every list endpoint: stable under inserts, no page-number drift."""

    ordering = "-created_at"
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    _model: Any = None

    def get_page_size(self, request: Request) -> int:
        """`limit`: 1 or more (above the maximum means the maximum); anything else is a 400
        rather than silently the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise InvalidParameter(f"limit: a whole number from 1 to {self.max_page_size}",
                                   field="limit")
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> Any:
        """A cursor not issued by us (undecodable, or a position that is not a value of the
        ordering field) is a 400 naming `cursor`, not a 404 or a database error."""
        try:
            cursor = super().decode_cursor(request)
        except drf_exceptions.NotFound:
            cursor, valid = None, False
        else:
            valid = cursor is None or cursor.position is None or self._valid_position(
                cursor.position)
        if not valid:
            raise InvalidParameter("cursor: not a cursor from this list's next or previous "
                                   "link", field="cursor")
        return cursor

    def _valid_position(self, position: object) -> bool:
        # The cursor's position as decoded (a str from the query string; the stubs say int).
        ordering = self.ordering if isinstance(self.ordering, str) else self.ordering[0]
        field = self._model._meta.get_field(ordering.lstrip("-"))
        try:
            value = field.to_python(position)
        except DjangoValidationError:
            return False
        return not (isinstance(value, datetime) and not is_aware(value))


def serializer_context(request: Request) -> dict[str, object]:
    """Serializers build absolute links (asset URLs) from the request's own host, and read
    what they show (renditions) as the request's tenant."""
    return {"request": request, "base_url": request.build_absolute_uri("/"),
            "tenant": request_tenant(request) if request.auth is not None else None}


ORDERINGS = ("-created_at", "created_at")


def ordered_paginator(request: Request) -> NewestFirst:
    """A cursor paginator in the list's `ordering`: `-created_at` (newest first, the default)
    or `created_at`; anything else is a 400 naming `ordering`."""
    paginator = NewestFirst()
    ordering = request.query_params.get("ordering") or ORDERINGS[0]
    if ordering not in ORDERINGS:
        raise InvalidParameter(f"ordering: one of {', '.join(ORDERINGS)}", field="ordering")
    paginator.ordering = ordering
    return paginator


def paginated(request: Request, queryset: Any, serializer_class: Any, view: Any) -> Response:
    """One cursor page of `queryset`, serialized, with `next`/`previous` links, in the
    request's `ordering` (ordered_paginator)."""
    paginator = ordered_paginator(request)
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context=serializer_context(request)).data
    return paginator.get_paginated_response(data)


class _Replayed(Exception):
    def __init__(self, replay: idempotency.Replay) -> None:
        self.replay = replay


def _nul_at(data: Any) -> str | None:
    """The path (`items.0.sku`) of the first text, value or key, holding a NUL character, or
    None. Iterative, so that no nesting depth can overflow the stack."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "body"
            continue
        if hasattr(value, "lists"):  # QueryDict (query string, multipart form): a repeated
            value = {key: items[0] if len(items) == 1 else items  # name is a list
                     for key, items in value.lists()}
        if isinstance(value, dict):
            items = [(str(key), item) for key, item in value.items()]
            if any("\x00" in key for key, _ in items):
                return path or "body"
        elif isinstance(value, list | tuple):
            items = [(str(index), item) for index, item in enumerate(value)]
        else:
            continue
        stack.extend((item, f"{path}.{key}" if path else key) for key, item in reversed(items))
    return None


def refuse_nul_characters(request: Request) -> None:
    """No text the API takes may hold a NUL character: PostgreSQL stores it in neither text nor
    jsonb, and no prompt, name or parameter needs one. A 400 naming the field, before any work
    (files are not text and are left to their own checks)."""
    field = _nul_at(request.query_params) or _nul_at(request.data)
    if field:
        raise InvalidParameter(f"{field}: must not contain NUL characters", field=field)


_SECRET_FIELDS = "_atelier_secret_fields"


def shows_secret_once(response: Response, *fields: str) -> Response:
    """Mark an answer whose `fields` hold a secret shown only this once: no cache may keep it
    (`Cache-Control: no-store`), and its Idempotency-Key record keeps it without them."""
    patch_cache_control(response, no_store=True)
    setattr(response, _SECRET_FIELDS, fields)
    return response


def redacted(data: Any, fields: tuple[str, ...]) -> Any:
    """The answer as kept for Idempotency-Key replays: each secret field null, and a note
    saying why. The secret itself is never stored, so a replay cannot show it again."""
    shown = [field for field in fields if isinstance(data, dict) and field in data]
    if not shown:
        return data
    names = ", ".join(f"`{field}`" for field in shown)
    return {**data, **dict.fromkeys(shown), "note": (
        f"A replay of the first answer to this Idempotency-Key: {names} was shown only in that "
        "answer and is not kept. If it was lost, delete this object and create a new one.")}


class IdempotentPosts(APIView):
    """Every POST honours `Idempotency-Key` (api.idempotency): after authentication,
    permissions and throttling, a known key replays its stored answer; a new key's answer is
    stored when the response is finalized. Text with NUL characters is refused first.

    An answer that shows a secret once (shows_secret_once) is stored with the secret redacted:
    a replay shows the rest of the answer, the secret as null and a note. Replays are never
    cached (`Cache-Control: no-store`)."""

    _idempotency_record: Any = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        refuse_nul_characters(request)
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None:
            return
        print_ = idempotency.fingerprint(request.method, request.path, request.data)
        claimed = idempotency.begin(request_tenant(request), key, print_)
        if isinstance(claimed, idempotency.Replay):
            raise _Replayed(claimed)
        self._idempotency_record = claimed

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replayed):
            replay = Response(exc.replay.body, status=exc.replay.status,
                              headers={**exc.replay.headers, idempotency.REPLAYED_HEADER: "true"})
            patch_cache_control(replay, no_store=True)
            return replay
        try:
            return super().handle_exception(exc)
        except Exception:  # an unexpected error (a 500): let the client's retry do the work
            record, self._idempotency_record = self._idempotency_record, None
            if record is not None:
                idempotency.abandon(record)
            raise

    def finalize_response(self, request: Request, response: Any, *args: Any,
                          **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        record, self._idempotency_record = self._idempotency_record, None
        if record is not None:
            if isinstance(response, Response):
                kept = redacted(response.data, getattr(response, _SECRET_FIELDS, ()))
                idempotency.finish(record, response.status_code, kept, dict(response.items()))
            else:  # not a JSON answer (none of the POST endpoints): nothing to replay
                idempotency.abandon(record)
        return response


class TenantAPIView(IdempotentPosts, APIView):
    """Base of every tenant API view: key auth, scopes, per-key throttle, idempotent POSTs."""


class TenantViewSet(IdempotentPosts, viewsets.ViewSet):
    """Base of every tenant API viewset (see TenantAPIView)."""


def filtered(request: Request, queryset: Any, exact: dict[str, tuple[str, Any]]) -> Any:
    """Apply list filters: `exact` maps a query parameter to (model field, allowed values or
    None for any), plus `created_after`/`created_before` (ISO 8601 date or date-time, UTC when
    no offset). A bad value is a 400 naming the parameter."""
    for param, (field, allowed) in exact.items():
        value = request.query_params.get(param)
        if value in (None, ""):
            continue
        if allowed is not None and value not in allowed:
            raise InvalidParameter(f"{param}: one of {', '.join(allowed)}", field=param)
        try:
            queryset = queryset.filter(**{field: value})
        except (DjangoValidationError, ValueError):  # e.g. not a UUID
            raise InvalidParameter(f"{param}: not a valid value ({value[:40]!r})",
                                   field=param) from None
    for param, lookup in (("created_after", "created_at__gte"),
                          ("created_before", "created_at__lt")):
        value = request.query_params.get(param)
        if value in (None, ""):
            continue
        queryset = queryset.filter(**{lookup: _moment(param, value)})
    return queryset


def _moment(param: str, value: str) -> datetime:
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is not None:
        moment = moment if is_aware(moment) else make_aware(moment, UTC)
        try:  # in UTC: PostgreSQL refuses offsets past ±15:59, and the year must stay 1-9999
            moment = moment.astimezone(UTC)
        except OverflowError:
            moment = None
    if moment is None:
        raise InvalidParameter(f"{param}: expected an ISO 8601 date or date-time, e.g. "
                               "2026-11-01 or 2026-11-01T12:00:00Z", field=param)
    return moment


def list_parameters(exact: dict[str, tuple[str, Any]]) -> list[Any]:
    """OpenAPI parameters of a list endpoint: its exact filters (as given to `filtered`) plus
    the shared created range, ordering, page size and cursor."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    params = [OpenApiParameter(name, str, enum=list(allowed) if allowed else None)
              for name, (_, allowed) in exact.items()]
    return [*params,
            OpenApiParameter("created_after", OpenApiTypes.DATETIME,
                             description="created at or after (ISO 8601)"),
            OpenApiParameter("created_before", OpenApiTypes.DATETIME,
                             description="created before (ISO 8601)"),
            OpenApiParameter("ordering", str, enum=list(ORDERINGS),
                             description="newest first by default"),
            OpenApiParameter("limit", int, description="page size, at most 200"),
            OpenApiParameter("cursor", str, description="from a previous page's next link")]


_DRF_CODES: dict[type[drf_exceptions.APIException], str] = {
    InsufficientScope: "insufficient_scope",
    drf_exceptions.ParseError: "invalid_json",
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.AuthenticationFailed: "authentication_failed",
    drf_exceptions.PermissionDenied: "permission_denied",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.NotAcceptable: "not_acceptable",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "rate_limited",
    drf_exceptions.ValidationError: "invalid_request",
}
# The code of an answer by its status, where nothing more precise is known: Django's own error
# pages on API paths, and DRF exceptions not listed above.
STATUS_CODES = {
    400: "invalid_request",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "server_error",
}


def code_for_status(status: int) -> str:
    """The envelope's `code` for a bare status: STATUS_CODES, any other 5xx `server_error`."""
    return STATUS_CODES.get(status, "server_error" if status >= 500 else "invalid_request")


def api_error_codes() -> list[tuple[int, str]]:
    """Every (status, code) the handlers of this module answer with, beside AtelierError's:
    the DRF exceptions, the multipart parse error and the bare statuses (docs/api.md's error
    table is rendered from these and the AtelierError classes)."""
    found = {(int(cls.status_code), code) for cls, code in _DRF_CODES.items()}
    found |= {(400, "invalid_request")} | set(STATUS_CODES.items())
    return sorted(found)


def _first_validation_error(detail: Any, prefix: str = "") -> tuple[str | None, str]:
    """Flatten DRF's nested validation detail to the first (field path, message)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = key if key == "non_field_errors" else f"{prefix}{key}"
            field, message = _first_validation_error(value, f"{path}.")
            return (None if path == "non_field_errors" else field or path), message
    if isinstance(detail, list) and detail:
        return _first_validation_error(detail[0], prefix)
    return (prefix.rstrip(".") or None), str(detail)


def _render_as_json(context: dict[str, Any]) -> None:
    """Errors are JSON whatever the view would render (the schema view's YAML, Swagger UI's
    HTML) and whatever the client accepts: the error finalizes with this renderer."""
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every 4xx/5xx becomes the one JSON envelope, rendered as JSON.
    An unexpected exception (None here) goes on to Django: logged, and handler500's envelope."""
    if isinstance(exc, RequestDataTooBig):  # Django's body cap, met while DRF parses
        exc = RequestTooLarge(f"body: at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes; "
                              "send images as multipart files and split large batches",
                              field="body")
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):  # Django's multipart caps
        exc = InvalidRequest(f"body: {exc}", field="body")
    if isinstance(exc, AtelierError):
        _render_as_json(context)
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    _render_as_json(context)
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)),
                code_for_status(response.status_code))
    if isinstance(exc, drf_exceptions.ParseError) and not str(exc.detail).startswith("JSON"):
        code = "invalid_request"  # a broken multipart body is not a JSON problem
    body: dict[str, Any] = {"code": code}
    if isinstance(exc, drf_exceptions.ValidationError):
        field, message = _first_validation_error(exc.detail)
        body["message"] = f"{field}: {message}" if field else message
        if field:
            body["field"] = field
    else:
        body["message"] = str(getattr(exc, "detail", exc))
    response.data = body
    return response


def id_parameter(what: str) -> Any:
    """The `{id}` path parameter of detail routes, typed for the OpenAPI schema."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    return OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH,
                            description=f"the {what}'s id")


def _is_api(request: Any) -> bool:
    return str(getattr(request, "path", "")).startswith("/api/")


def _envelope(status: int, message: str) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"code": code_for_status(status), "message": message}, status=status)


def json_bad_request(request: Any, exception: Exception | None = None) -> Any:
    """handler400 (e.g. a Host header not in ALLOWED_HOSTS): the envelope on API paths."""
    from django.views.defaults import bad_request

    if _is_api(request):
        return _envelope(400, "Bad request.")
    return bad_request(request, exception)  # type: ignore[arg-type]


def json_permission_denied(request: Any, exception: Exception | None = None) -> Any:
    """handler403: the envelope on API paths; other paths get Django's page."""
    from django.views.defaults import permission_denied

    if _is_api(request):
        return _envelope(403, "Permission denied.")
    return permission_denied(request, exception)  # type: ignore[arg-type]


def json_not_found(request: Any, exception: Exception | None = None) -> Any:
    """handler404: API paths answer in the error envelope; other paths get Django's page."""
    from django.views.defaults import page_not_found

    if _is_api(request):
        return _envelope(404, "No such endpoint.")
    return page_not_found(request, exception)


def json_server_error(request: Any) -> Any:
    """handler500: API paths answer in the error envelope, with no internals."""
    from django.views.defaults import server_error

    if _is_api(request):
        return _envelope(500, "Internal error; it has been logged.")
    return server_error(request)


@csrf_exempt  # a POST to no endpoint is a 404, not CSRF's 403 page
def api_not_found(request: Any, *args: Any, **kwargs: Any) -> Any:
    """The last route under /api/: a path no endpoint matches is the envelope's 404 whatever
    DEBUG says (Django answers an unmatched URL with its HTML debug page under DEBUG, without
    asking handler404). Like APPEND_SLASH would, a GET of a path that exists with a trailing
    slash (`/api/schema`) is redirected there."""
    from django.http import HttpResponsePermanentRedirect
    from django.urls import Resolver404, resolve

    if request.method in ("GET", "HEAD") and not request.path_info.endswith("/"):
        try:
            match = resolve(f"{request.path_info}/", getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return _envelope(404, "No such endpoint.")
