"""One id per request, from `X-Request-ID` or made up, on every log line of the request and of
the jobs it queued (and the jobs those queued), so that one search finds all of them."""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Callable
from typing import Any

import dramatiq
import structlog
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
OPTION = "request_id"  # the Dramatiq message option that carries it
# What a caller (or a load balancer) may choose; anything else is replaced, not logged.
_ACCEPTED = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


def new_id() -> str:
    return uuid.uuid4().hex


def current() -> str | None:
    """The request id bound to this thread, if any."""
    return structlog.contextvars.get_contextvars().get(OPTION)


def _accepted(value: str | None) -> str | None:
    return value if value and _ACCEPTED.fullmatch(value) else None


def _tag_for_sentry(request_id: str) -> None:
    """Tag Sentry's events with the id when Sentry is in use. Its SDK is imported only when
    SENTRY_DSN is set (core.sentry, 10 MB in every process); without it there is nothing to
    tag."""
    sdk = sys.modules.get("sentry_sdk")
    if sdk is not None:
        sdk.set_tag(OPTION, request_id)


class RequestIdMiddleware:
    """Binds the request's id for its log lines and returns it in the `X-Request-ID` header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _accepted(request.headers.get(HEADER)) or new_id()
        request.request_id = request_id  # type: ignore[attr-defined]  # Atelier's own attribute; HttpRequest declares none
        _tag_for_sentry(request_id)
        # Bound until the response is closed, not just while the middleware runs: Django logs
        # a failed request ("Internal Server Error: /path" and its traceback) after it.
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _forget(**kwargs: Any) -> None:
    structlog.contextvars.clear_contextvars()


request_finished.connect(_forget, dispatch_uid="core.request_id.forget")


class DramatiqRequestId(dramatiq.Middleware):
    """Carries the request id in each message queued, and binds it while the message runs."""

    def before_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message,
                       delay: int | None) -> None:
        request_id = current()
        if request_id and OPTION not in message.options:
            message.options[OPTION] = request_id

    def before_process_message(self, broker: dramatiq.Broker, message: dramatiq.MessageProxy
                               ) -> None:
        structlog.contextvars.clear_contextvars()
        # A message queued outside any request (the scheduler's sweeps) gets an id of its own,
        # kept on the message so that its retries and the work it queues share it.
        request_id = message.options.setdefault(OPTION, new_id())
        structlog.contextvars.bind_contextvars(request_id=request_id,
                                               actor=message.actor_name)

    def after_process_message(self, broker: dramatiq.Broker, message: dramatiq.MessageProxy, *,
                              result: Any = None, exception: BaseException | None = None
                              ) -> None:
        structlog.contextvars.clear_contextvars()

    after_skip_message = after_process_message
