"""A local double of the two Stripe endpoints Atelier calls (customers, Billing Meter
events), reached by the real stripe-python client through STRIPE_API_BASE.

It refuses what Stripe refuses, with Stripe's error shape — `{"error": {"type", "code",
"message", "param"}}`, `code` and `param` null when they do not apply (API reference,
"Errors": both are nullable; `type` is one of api_error, card_error, idempotency_error,
invalid_request_error). Each rule and where it comes from:

Authentication (API reference, "Authentication"): the secret key is sent as Bearer token or
as the Basic-auth user name; secret keys are `sk_test_…`/`sk_live_…` (restricted keys
`rk_…`). No key, an empty one or one of any other shape → 401 ("Errors": "401 Unauthorized:
no valid API key provided"), type invalid_request_error, as Stripe answers it.

Parameters (changelog 2011-06-21, "Errors now produce exceptions for unrecognized API
parameters"): a parameter the endpoint does not define → 400 `parameter_unknown`
("Received unknown parameter: …"), param naming it. A required one missing → 400
`parameter_missing`.

Meter events (API reference, "Create a billing meter event"; the OpenAPI spec's maxLength):
- `event_name` required, at most 100 characters, not blank;
- `identifier` optional, at most 100 characters, not blank; unique for "a rolling period of
  at least 24 hours" — a second event with one → 400 `resource_already_exists`;
- `timestamp` optional, an integer ("Measured in seconds since the Unix epoch"; anything else
  → 400 `parameter_invalid_integer`), "within the past 35 calendar days or up to 5 minutes in
  the future" → else 400 `timestamp_too_far_in_past` / `timestamp_in_future` (the reason
  codes of Stripe's meter error reports);
- `payload` must hold the meter's customer key (`stripe_customer_id`, the default) and value
  key (`value`); the customer must exist (400 `resource_missing`).
  Stripe documents no character set for names or identifiers beyond these; the double adds
  none of its own.

Idempotency (API reference, "Idempotent requests"; docs "Idempotency"): keys are up to 255
characters; the first request's status and body are saved once the endpoint runs (a request
that fails validation saves nothing) and a retry with the same key gets them back; "the
idempotency layer compares incoming parameters to those of the original request and errors
if they're not the same" → 400 type `idempotency_error`.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

import pytest

from tests.fakes.loopback import LoopbackDouble

Answer = tuple[int, dict[str, Any]]

KEY_SHAPE = re.compile(r"(sk|rk)_(test|live)_[0-9A-Za-z]+")
MAX_NAME = 100  # event_name and identifier: the OpenAPI spec's maxLength
MAX_IDEMPOTENCY_KEY = 255
PAST_LIMIT = 35 * 86400  # "within the past 35 calendar days"
FUTURE_LIMIT = 5 * 60  # "or up to 5 minutes in the future"

CUSTOMER_PARAMS = {"address", "balance", "cash_balance", "description", "email", "expand",
                   "invoice_prefix", "invoice_settings", "metadata", "name",
                   "next_invoice_sequence", "payment_method", "phone", "preferred_locales",
                   "shipping", "source", "tax", "tax_exempt", "tax_id_data",
                   "test_clock"}
METER_EVENT_PARAMS = {"event_name", "payload", "identifier", "timestamp", "expand"}


def _form(body: bytes) -> list[tuple[str, str]]:
    return parse_qsl(body.decode(), keep_blank_values=True)


def _top(name: str) -> str:
    """`payload[value]` → `payload`, `expand[0]` → `expand`."""
    return name.split("[", 1)[0]


def error(status: int, message: str, *, code: str | None = None, param: str | None = None,
          type: str = "invalid_request_error") -> Answer:
    return status, {"error": {"type": type, "code": code, "message": message,
                              "param": param}}


class StripeDouble(LoopbackDouble):
    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._loopback_setup()
        self._lock = threading.Lock()
        self.clock = clock
        self.customers: dict[str, dict[str, Any]] = {}
        self.meter_events: dict[str, dict[str, Any]] = {}  # by identifier
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.refusals: list[dict[str, Any]] = []  # every error body answered, in order
        self.failures: list[int] = []  # statuses to answer with, first in first out
        # idempotency key → (method and path, parameters, saved answer)
        self._idempotency: dict[str, tuple[str, list[tuple[str, str]], Answer]] = {}

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = _form(handler.rfile.read(length))
        with self._lock:
            self.requests.append((handler.path, dict(form)))
            status, body = self._route(handler, form)
            if "error" in body:
                self.refusals.append(body["error"])
        raw = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
        handler.end_headers()
        handler.wfile.write(raw)

    # --- the layers every request goes through -------------------------------------------

    @staticmethod
    def _api_key(handler: BaseHTTPRequestHandler) -> str | None:
        header = handler.headers.get("Authorization", "")
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() == "bearer":
            return credentials.strip()
        if scheme.lower() == "basic":
            try:
                return base64.b64decode(credentials).decode().partition(":")[0]
            except ValueError:
                return ""
        return None

    def _authenticate(self, handler: BaseHTTPRequestHandler) -> Answer | None:
        key = self._api_key(handler)
        if not key:
            return error(401, "You did not provide an API key. You need to provide your API "
                         "key in the Authorization header, using Bearer auth (e.g. "
                         "'Authorization: Bearer YOUR_SECRET_KEY').")
        if not KEY_SHAPE.fullmatch(key):
            return error(401, f"Invalid API Key provided: {key[:8]}{'*' * 4}{key[-4:]}")
        return None

    def _route(self, handler: BaseHTTPRequestHandler, form: list[tuple[str, str]]) -> Answer:
        refused = self._authenticate(handler)
        if refused:
            return refused
        if self.failures:
            return error(self.failures.pop(0), "An unknown error occurred.", type="api_error")
        endpoint = f"{handler.command} {handler.path}"
        endpoints: dict[str, tuple[set[str], Callable[[dict[str, str]], Answer]]] = {
            "POST /v1/customers": (CUSTOMER_PARAMS, self._customer),
            "POST /v1/billing/meter_events": (METER_EVENT_PARAMS, self._meter_event)}
        if endpoint not in endpoints:
            return error(404, f"Unrecognized request URL ({handler.command}: {handler.path}).")
        known, create = endpoints[endpoint]
        for name, _ in form:
            if _top(name) not in known:
                return error(400, f"Received unknown parameter: {_top(name)}",
                             code="parameter_unknown", param=_top(name))
        key = handler.headers.get("Idempotency-Key")
        if key is None:
            return create(dict(form))
        if len(key) > MAX_IDEMPOTENCY_KEY:
            return error(400, f"Idempotency-Key must be at most {MAX_IDEMPOTENCY_KEY} "
                         "characters.", param="Idempotency-Key")
        if key in self._idempotency:
            first_endpoint, first_form, saved = self._idempotency[key]
            if (first_endpoint, sorted(first_form)) != (endpoint, sorted(form)):
                return error(400, "Keys for idempotent requests can only be used with the "
                             "same parameters they were first used with. Try using a key "
                             f"other than '{key}' if you meant to execute a different "
                             "request.", type="idempotency_error")
            return saved
        answer = create(dict(form))
        if answer[0] != 400:  # a request refused by validation never ran: nothing saved
            self._idempotency[key] = (endpoint, form, answer)
        return answer

    # --- the endpoints --------------------------------------------------------------------

    def _customer(self, form: dict[str, str]) -> Answer:
        customer = {"id": f"cus_{uuid.uuid4().hex[:14]}", "object": "customer",
                    "name": form.get("name"),
                    "metadata": {k[9:-1]: v for k, v in form.items()
                                 if k.startswith("metadata[")}}
        self.customers[customer["id"]] = customer
        return 200, customer

    @staticmethod
    def _string(form: dict[str, str], name: str, *, required: bool) -> Answer | None:
        if name not in form:
            return error(400, f"Missing required param: {name}.", code="parameter_missing",
                         param=name) if required else None
        value = form[name]
        if not value.strip():
            return error(400, f"Invalid string: {value!r}; must not be blank.",
                         code="parameter_invalid_string_blank", param=name)
        if len(value) > MAX_NAME:
            return error(400, f"Invalid string: {value[:20]}...; must be at most {MAX_NAME} "
                         "characters", param=name)
        return None

    def _meter_event(self, form: dict[str, str]) -> Answer:
        for name, required in (("event_name", True), ("identifier", False)):
            refused = self._string(form, name, required=required)
            if refused:
                return refused
        for field in ("payload[stripe_customer_id]", "payload[value]"):
            if not form.get(field):
                return error(400, f"Missing required param: {field}.",
                             code="parameter_missing", param=field)
        now = int(self.clock())
        timestamp = now
        if "timestamp" in form:
            if not re.fullmatch(r"-?[0-9]+", form["timestamp"]):
                return error(400, f"Invalid integer: {form['timestamp']}",
                             code="parameter_invalid_integer", param="timestamp")
            timestamp = int(form["timestamp"])
        if timestamp < now - PAST_LIMIT:
            return error(400, "The timestamp must be within the past 35 calendar days.",
                         code="timestamp_too_far_in_past", param="timestamp")
        if timestamp > now + FUTURE_LIMIT:
            return error(400, "The timestamp must be no more than 5 minutes in the future.",
                         code="timestamp_in_future", param="timestamp")
        if form["payload[stripe_customer_id]"] not in self.customers:
            return error(400, f"No such customer: '{form['payload[stripe_customer_id]']}'",
                         code="resource_missing", param="payload[stripe_customer_id]")
        identifier = form.get("identifier") or uuid.uuid4().hex
        if identifier in self.meter_events:
            return error(400, f"An event with identifier {identifier} already exists.",
                         code="resource_already_exists", param="identifier")
        event = {"object": "billing.meter_event", "event_name": form["event_name"],
                 "identifier": identifier, "created": now, "livemode": False,
                 "timestamp": timestamp,
                 "payload": {k[8:-1]: v for k, v in form.items() if k.startswith("payload[")}}
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
