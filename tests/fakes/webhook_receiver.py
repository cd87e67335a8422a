"""A partner's webhook receiver on 127.0.0.1: records every POST (headers and the raw body)
and answers 200, or the statuses it was told to answer first."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.fakes.loopback import LoopbackDouble


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


class WebhookReceiver(LoopbackDouble):
    def __init__(self) -> None:
        self._loopback_setup()
        self._changed = threading.Condition()
        self.requests: list[Received] = []
        self.answers: list[int] = []  # statuses to answer with first, first in first out
        self.always: int = 200  # then this one
        self.location = ""  # the Location header of a redirect answer

    def fail_first(self, count: int, status: int = 500) -> None:
        self.answers = [status] * count

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        with self._changed:
            self.requests.append(Received(handler.path, dict(handler.headers.items()), body))
            status = self.answers.pop(0) if self.answers else self.always
            self._changed.notify_all()
        answer = b'{"ok": true}' if status < 300 else b'{"error": "try later"}'
        handler.send_response(status)
        if self.location:
            handler.send_header("Location", self.location)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(answer)))
        handler.end_headers()
        handler.wfile.write(answer)

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        """The requests once `count` have arrived (or the timeout passed)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.requests) >= count, timeout=timeout)
            return list(self.requests)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    double = WebhookReceiver().start()
    try:
        yield double
    finally:
        double.stop()


@pytest.fixture
def private_webhooks(settings: Any) -> Any:
    """Webhooks allowed to reach 127.0.0.1 over http, retried almost at once."""
    settings.ATELIER_WEBHOOK_ALLOW_PRIVATE = True
    settings.ATELIER_WEBHOOK_BACKOFF_SECONDS = 0.01
    settings.ATELIER_WEBHOOK_RETRY_HOURS = 1.0
    settings.ATELIER_WEBHOOK_TIMEOUT_SECONDS = 5.0
    return settings
