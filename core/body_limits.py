"""Request body limits of the views that take files: a body over the view's limit is refused
by its `Content-Length` before any of it is read, a chunked body is spooled to a temporary
file and cut off at the limit, and every file of the request goes to a temporary file on
disk (never memory) under the same hard cap.

A view declares its limit with `@limit_body(...)` on the function that handles the request
(for DRF, the `post` or `create` method); `BodyLimitMiddleware` enforces it. The answer is the
API's error envelope: `413 request_too_large`, `field: body`, the limit in bytes in the
message (or the view's own refusal, see `limit_body`).

Why a middleware and not a check at the top of each view: a dashboard view is reached only
after CsrfViewMiddleware has read `request.POST` (the whole multipart body, files included) in
its `process_view`; a check in the view would come after the body was read. A middleware's
`process_view` runs once the URL is resolved, so the view and its limit are known, and, listed
before CsrfViewMiddleware, before anything has read the body. The API and the dashboard get
one rule and one answer.

Chunked bodies: Django reads a body only as far as its `Content-Length`; with none (a
chunked request) it reads nothing, so such uploads used to arrive empty. Where the server
ends the input at the end of the body (`wsgi.input_terminated`, gunicorn's), a declared view
gets the chunked body spooled here: at most limit + 1 bytes are read, then the request is
refused (413) or continues with the spool as its body and its true length.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar, cast

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from core.errors import AtelierError, RequestTooLarge

FORM_ROOM = 64 * 1024  # a form's other fields and its multipart framing
SPOOL_CHUNK = 64 * 1024  # bytes read at a time from a chunked body

Refusal = Callable[[HttpRequest, int, "int | None"], AtelierError]
View = TypeVar("View", bound=Callable[..., Any])


def room_for(file_bytes: int) -> int:
    """The largest body that can carry one file of `file_bytes`: as a multipart file or as
    base64 text (a third larger), plus FORM_ROOM; never less than Django's cap on the
    non-file part of a body (DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0, file_bytes * 4 // 3 + FORM_ROOM)


def body_too_large(limit: int, size: int | None, hint: str = "") -> RequestTooLarge:
    """The 413 of a body over `limit` bytes (`size`: its Content-Length, None if unknown)."""
    got = f"this one is {size} bytes" if size is not None else "this one is larger"
    return RequestTooLarge(f"body: at most {limit} bytes ({got}){'; ' + hint if hint else ''}",
                           field="body")


@dataclass(frozen=True)
class BodyLimit:
    """A view's limit: its bytes for this request (read at request time, so settings apply
    as they are then) and the error that refuses a body over it."""

    limit: Callable[[HttpRequest], int]
    refusal: Refusal


def limit_body(limit: Callable[[HttpRequest], int], *, hint: Callable[[], str] | None = None,
               refusal: Refusal | None = None) -> Callable[[View], View]:
    """Declare the body limit of a view function or a DRF handler method (`post`, `create`).

    `hint()` ends the default 413 message (e.g. the file's own limit); `refusal(request,
    limit, size)` replaces the default error, e.g. where a documented limit has its own.
    """
    def default(request: HttpRequest, cap: int, size: int | None) -> AtelierError:
        return body_too_large(cap, size, hint() if hint else "")

    declared = BodyLimit(limit, refusal or default)

    def decorate(view: View) -> View:
        vars(view)["body_limit"] = declared
        return view

    return decorate


def declared_limit(view_func: Any, method: str) -> BodyLimit | None:
    """The BodyLimit of the handler this request reaches, if it declared one: the function
    itself, or the method of a Django/DRF class-based view (a viewset's action)."""
    found = getattr(view_func, "body_limit", None)
    cls = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    if found is None and cls is not None:
        actions = getattr(view_func, "actions", None)  # a DRF viewset route: method -> action
        name = actions.get(method.lower()) if actions else method.lower()
        found = getattr(getattr(cls, name, None), "body_limit", None) if name else None
    return found if isinstance(found, BodyLimit) else None


def announced_length(request: HttpRequest) -> int | None:
    """The body's Content-Length, or None without one (Django then reads nothing of it)."""
    raw = request.META.get("CONTENT_LENGTH")
    if raw in (None, ""):
        return None
    try:
        return max(int(raw), 0)
    except ValueError:
        return None


def is_chunked(request: HttpRequest) -> bool:
    """A chunked body the server ends at its end (gunicorn), so it may be read to EOF."""
    coding = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return "chunked" in coding and bool(request.META.get("wsgi.input_terminated"))


def spool(request: HttpRequest, limit: int) -> int | None:
    """Read the chunked body into a temporary file (in memory up to
    FILE_UPLOAD_MAX_MEMORY_SIZE, then on disk), at most limit + 1 bytes of it; over `limit`,
    None (the rest is never read). Otherwise the request continues with the spool as its body
    and its size as its Content-Length."""
    source = request.META["wsgi.input"]
    buffer = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - the request's body from now on
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR)
    size = 0
    while size <= limit:
        chunk = source.read(min(SPOOL_CHUNK, limit + 1 - size))
        if not chunk:
            break
        buffer.write(chunk)
        size += len(chunk)
    if size > limit:
        buffer.close()
        return None
    buffer.seek(0)
    # The request reads its body from `_stream`, made from CONTENT_LENGTH when the request was
    # built (an empty stream for a chunked body); both are replaced before anything reads.
    request._stream = cast(BinaryIO, buffer)  # holds exactly the body: no LimitedStream needed
    request.META["CONTENT_LENGTH"] = str(size)
    return size


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Every file of the request straight to a temporary file on disk, however small (so no
    upload is held in memory), and at most `limit` bytes for all of them together: past that,
    the file is closed and the view's refusal raised, before the next chunk is read."""

    def __init__(self, request: HttpRequest, limit: int, refusal: Refusal) -> None:
        super().__init__(request)
        self.limit, self.refusal, self.received = limit, refusal, 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.file.close()
            assert self.request is not None  # always built with the request
            raise self.refusal(self.request, self.limit, None)
        return super().receive_data_chunk(raw_data, start)


def refused(error: AtelierError) -> JsonResponse:
    """The API's error envelope for `error`, answered without reading the body."""
    return JsonResponse(error.as_dict(), status=error.http_status)


class BodyLimitMiddleware:
    """Enforce the body limit a view declared with `limit_body` (see the module docstring).
    Listed before CsrfViewMiddleware, whose process_view reads the dashboard's bodies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any,
                     view_kwargs: Any) -> HttpResponseBase | None:
        declared = declared_limit(view_func, request.method or "")
        if declared is None:
            return None
        limit = declared.limit(request)
        size = announced_length(request)
        if size is None and is_chunked(request) and spool(request, limit) is None:
            return refused(declared.refusal(request, limit, None))
        if size is not None and size > limit:
            return refused(declared.refusal(request, limit, size))
        request.upload_handlers = [CappedUploadHandler(request, limit, declared.refusal)]
        if request.method == "POST" and getattr(view_func, "cls", None) is None:
            # Not a DRF view (DRF parses in the view and answers errors itself): the form is
            # parsed here, under the cap, so that a refusal is this 413 and not an error
            # inside CsrfViewMiddleware, which reads it next.
            try:
                request.POST  # noqa: B018 - parsing it is the point
            except AtelierError as error:
                return refused(error)
        return None
