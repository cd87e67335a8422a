"""A local double of the two Stripe endpoints Atelier calls (customers, Billing Meter
events), reached by the real stripe-python client through STRIPE_API_BASE."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

import pytest

from tests.fakes.loopback import LoopbackDouble


def _form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


class StripeDouble(LoopbackDouble):
    def __init__(self) -> None:
        self._loopback_setup()
        self._lock = threading.Lock()
        self.customers: dict[str, dict[str, Any]] = {}
        self.meter_events: dict[str, dict[str, Any]] = {}  # by identifier
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.failures: list[int] = []  # statuses to answer with, first in first out
        self._idempotency: dict[str, dict[str, Any]] = {}

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = _form(handler.rfile.read(length))
        with self._lock:
            self.requests.append((handler.path, form))
            status, body = self._route(handler, form)
        raw = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
        handler.end_headers()
        handler.wfile.write(raw)

    @staticmethod
    def _error(status: int, message: str, code: str = "", param: str = "") -> tuple[int, dict]:
        return status, {"error": {"type": "invalid_request_error" if status < 500
                                  else "api_error", "message": message, "code": code,
                                  "param": param}}

    def _route(self, handler: BaseHTTPRequestHandler, form: dict[str, str]
               ) -> tuple[int, dict[str, Any]]:
        if not handler.headers.get("Authorization", "").startswith("Bearer sk_"):
            return self._error(401, "Invalid API Key provided.")
        if self.failures:
            return self._error(self.failures.pop(0), "An unknown error occurred.")
        if handler.command == "POST" and handler.path == "/v1/customers":
            return self._customer(handler.headers.get("Idempotency-Key", ""), form)
        if handler.command == "POST" and handler.path == "/v1/billing/meter_events":
            return self._meter_event(form)
        return self._error(404, f"Unrecognized request URL ({handler.command}: {handler.path}).")

    def _customer(self, key: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if key and key in self._idempotency:
            return 200, self._idempotency[key]
        customer = {"id": f"cus_{uuid.uuid4().hex[:14]}", "object": "customer",
                    "name": form.get("name"),
                    "metadata": {k[9:-1]: v for k, v in form.items()
                                 if k.startswith("metadata[")}}
        self.customers[customer["id"]] = customer
        if key:
            self._idempotency[key] = customer
        return 200, customer

    def _meter_event(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        for field in ("event_name", "payload[stripe_customer_id]", "payload[value]"):
            if not form.get(field):
                return self._error(400, f"Missing required param: {field}.",
                                   "parameter_missing", field)
        if form["payload[stripe_customer_id]"] not in self.customers:
            return self._error(400, "No such customer", "resource_missing",
                               "payload[stripe_customer_id]")
        identifier = form.get("identifier") or uuid.uuid4().hex
        if identifier in self.meter_events:
            return self._error(400, f"An event with identifier {identifier} already exists.",
                               "resource_already_exists", "identifier")
        event = {"object": "billing.meter_event", "event_name": form["event_name"],
                 "identifier": identifier, "created": int(time.time()),
                 "timestamp": int(form.get("timestamp") or time.time()),
                 "payload": {"stripe_customer_id": form["payload[stripe_customer_id]"],
                             "value": form["payload[value]"]}}
        self.meter_events[identifier] = event
        return 200, event


@pytest.fixture
def stripe_double(settings) -> Iterator[StripeDouble]:
    double = StripeDouble().start()
    settings.STRIPE_API_KEY = "sk_test_atelier"
    settings.STRIPE_API_BASE = double.url
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    try:
        yield double
    finally:
        double.stop()
