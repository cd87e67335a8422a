"""A strict local HTTP double of Bedrock Runtime `InvokeModel` and `Converse`.

The real boto3 client talks to it through AWS_ENDPOINT_URL_BEDROCK_RUNTIME, boto3's per-service
endpoint variable (docs/bedrock.md, "5. Enabling model access", step 4). This module does
routing, auth, quotas, fault injection, scripted outcomes, the wire format of answers (a JSON
body; an error is `{"message": ...}` with its name in the `x-amzn-ErrorType` header) and the
pytest fixture. The rest:
* bedrock_outcomes.py  - the scriptable outcomes and the error answers;
* bedrock_models.py    - the InvokeModel families and their success/filter bodies, with the
  per-model rules in bedrock_amazon.py (Nova Canvas, Titan) and bedrock_stability.py;
* bedrock_converse.py  - Converse for Nova 2 Omni, and for the Nova text models (Micro, Lite,
  Pro: the prompt assistant's), which answer in words;
* bedrock_guardrail.py - ApplyGuardrail (POST /guardrail/{id}/version/{version}/apply), its
  controls (`guardrails`, `guardrail_blocked_terms`, `guardrail_image_verdict`, ...) and order of
  checks; its scripts are keyed "guardrail:<identifier>";
* bedrock_schema.py    - the JSON-schema engine (everit wording) and image helpers;
* bedrock_regions.py   - where each model ID answers, from Atelier's catalog;
* bedrock_limits.py    - body size, header and Converse member limits, from botocore's model.

The Region of a request is the one its SigV4 credential scope names (tests/fakes/sigv4.py), so
one double serves every Region: `regions[model_id]` is where a model ID answers, and a call from
anywhere else gets Bedrock's answer for a model a Region does not offer (400 ValidationException
"The provided model identifier is invalid."). A Region without Bedrock Runtime in botocore's
endpoint data is refused at auth (403 InvalidSignatureException). Bearer (API key) requests
carry no Region: they are taken to be for `bearer_region`.

Order of checks for one request: route (404) -> record -> auth and Region (403) -> scripted error
outcome -> InvokeModel body size and headers (400) -> model ID pattern -> Region (400) -> EOL /
Legacy / no-access sets -> model catalogue and operation -> rpm quota (429) -> fault_rate
(500/503) -> body validation (400) -> scripted content-filter outcome -> latency and delay ->
answer. A scripted outcome is consumed even when the request is then refused.

Decisions where AWS's documentation is silent:
* Nova 2 Omni (`us.amazon.nova-2-omni-v1:0`, and its base id `amazon.nova-2-omni-v1:0`) is served
  over Converse only; InvokeModel on it is refused with a ValidationException (invented wording).
* Converse on an image model answers the real "This action doesn't support the model…" error.
* The Nova text models (`amazon.nova-{micro,lite,pro}-v1:0` and their `us.` profiles) are served
  over Converse only, with the same request checks as Omni; they answer text: a scripted
  `text_only(...)`, else a fixed sentence. They are in no catalog, so they answer in no Region
  until a test says where (`double.regions[model_id]`).
* SigV4 signatures are parsed, not verified (the double does not know the secret key).
* `throttled` counts the rpm-quota throttles only, not scripted throttle() outcomes.
* Scripts are looked up by the model id as sent, then "*"; rpm/eol/legacy/no-access sets also
  match the base model of a "us." profile, and a profile shares its base model's rpm window in
  the Region it is called from (quotas are per Region).
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.fakes import bedrock_converse as converse
from tests.fakes import bedrock_guardrail as guardrail
from tests.fakes import bedrock_limits, bedrock_regions
from tests.fakes.bedrock_models import FAMILIES, SERVICES, blocked_input, render
from tests.fakes.bedrock_outcomes import (
    ERRORS,
    OK,
    Outcome,
    access_denied,
    block_input_image,
    block_input_text,
    delay,
    eol,
    filter_outputs,
    model_error,
    model_not_ready,
    model_timeout,
    quota_exceeded,
    server_error,
    text_only,
    throttle,
)
from tests.fakes.bedrock_schema import MALFORMED, ApiError, Ctx, java_type, validation
from tests.fakes.loopback import LoopbackDouble, point_aws_client_at
from tests.fakes.sigv4 import credential_scope, invalid_region, service_regions

__all__ = ["MODELS", "OK", "BedrockDouble", "Model", "Outcome", "Recorded", "access_denied",
           "bedrock_double", "block_input_image", "block_input_text", "delay", "eol",
           "filter_outputs", "model_error", "model_not_ready", "model_timeout", "quota_exceeded",
           "server_error", "text_only", "throttle"]

LOG = logging.getLogger(__name__)
ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
PROFILE_ONLY = ("Invocation of model ID {id} with on-demand throughput isn\u2019t supported. Retry "
                "your request with the ID or ARN of an inference profile that contains this model.")
NOT_CONVERSE = ("This action doesn't support the model that you provided. Try again with a "
                "supported text or chat model.")
UNKNOWN_MODEL = "Could not resolve the foundation model from the provided model identifier."
NOT_IN_REGION = "The provided model identifier is invalid."
RUNTIME_REGIONS = service_regions("bedrock", "bedrock:bedrock-runtime-")
MODEL_ID = re.compile(r"[A-Za-z0-9:._/-]{1,2048}")
ROUTE = re.compile(r"/model/([^/]+)/(invoke|converse)")


@dataclass(frozen=True)
class Model:
    family: str  # key of bedrock_models.FAMILIES, "omni" or "nova-text"
    operation: str = "invoke"  # "invoke" | "converse"
    base: str = ""  # the model behind a "us." profile: quota windows are shared per base
    profile_only: bool = False  # a bare id that must be called through an inference profile


def _catalogue() -> dict[str, Model]:
    table = {"amazon.nova-canvas-v1:0": Model("nova-canvas"),
             "amazon.titan-image-generator-v1": Model("titan-v1"),
             "amazon.titan-image-generator-v2:0": Model("titan-v2"),
             "stability.sd3-large-v1:0": Model("sd3"),
             "stability.stable-diffusion-xl-v1": Model("sdxl")}
    for bare, family in (("stability.sd3-5-large-v1:0", "sd3.5"),
                         ("stability.stable-image-core-v1:1", "core"),
                         ("stability.stable-image-ultra-v1:1", "ultra")):
        table[bare] = table[f"us.{bare}"] = Model(family, base=bare)
    for bare in SERVICES:
        table[bare] = Model(bare, base=bare, profile_only=True)
        table[f"us.{bare}"] = Model(bare, base=bare)
    for omni in ("us.amazon.nova-2-omni-v1:0", "amazon.nova-2-omni-v1:0"):
        table[omni] = Model("omni", "converse", base="amazon.nova-2-omni-v1:0")
    for size in ("micro", "lite", "pro"):
        bare = f"amazon.nova-{size}-v1:0"
        table[bare] = table[f"us.{bare}"] = Model("nova-text", "converse", base=bare)
    return table


MODELS: dict[str, Model] = _catalogue()


@dataclass(frozen=True)
class Recorded:
    operation: str  # "invoke" | "converse" | "apply_guardrail"
    model_id: str  # URL-decoded
    body: dict | None  # None when the body is not a JSON object
    headers: dict[str, str]  # names lower-cased
    guardrail_version: str | None = None  # apply_guardrail only (model_id: "guardrail:<id>")


class BedrockDouble(LoopbackDouble, guardrail.GuardrailMixin):
    """The double. `start()` it, point boto3 at `url`, `stop()` it (or use it as a context)."""

    def __init__(self, *, latency: float = 0.0, pixel_cap_inclusive: bool = False,
                 models: Mapping[str, Model] | None = None) -> None:
        self.latency = latency
        self.pixel_cap_inclusive = pixel_cap_inclusive
        self.models: dict[str, Model] = dict(MODELS if models is None else models)
        # model id -> the Regions it answers from (see bedrock_regions.py); tests may change it
        self.regions: dict[str, frozenset[str]] = bedrock_regions.regions_for(self.models)
        self.bearer_region = "us-east-1"
        self.url = ""
        self.requests: list[Recorded] = []
        self.eol: set[str] = set()
        self.legacy_inactive: set[str] = set()
        self.no_access: set[str] = set()
        self.rpm: dict[str, int] = {}  # model id (or "*") -> requests per rpm_window seconds
        self.rpm_window = 60.0
        self.throttled = 0
        self.in_flight = 0  # model calls being answered now, and the most there ever were
        self.peak_in_flight = 0
        self.fault_rate = 0.0
        self._seed = 0
        self._rng = random.Random(0)
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Outcome]] = {}
        self._windows: dict[str, deque[float]] = {}
        self._loopback_setup()
        self._guardrail_setup()

    # --- lifecycle --------------------------------------------------------------------------


    # --- configuration and inspection -------------------------------------------------------

    @property
    def seed(self) -> int:
        return self._seed

    @seed.setter
    def seed(self, value: int) -> None:
        with self._lock:
            self._seed = value
            self._rng = random.Random(value)

    def reset_quota(self) -> None:
        """Forget the calls counted against the rpm quotas, and the throttles (a benchmark's
        warm-up must not use up the quota its measured run starts with)."""
        with self._lock:
            self._windows.clear()
            self.throttled = 0

    def bodies(self, model_id: str | None = None) -> list[dict]:
        with self._lock:
            return [r.body for r in self.requests
                    if r.body is not None and model_id in (None, r.model_id)]

    def script(self, model_id: str, *outcomes: Outcome) -> None:
        """Queue outcomes for a model id ("*": any model) or a guardrail: "guardrail:<id>",
        "guardrail:<id>:INPUT|OUTPUT", "guardrail:*" (see bedrock_guardrail.py)."""
        model = self.models.get(model_id)
        if model_id.startswith(guardrail.KEY):
            guardrail.check_outcomes(outcomes)
        for outcome in outcomes:
            if not isinstance(outcome, Outcome):
                raise TypeError(f"not an Outcome: {outcome!r}")
            if outcome.kind == "text_only" and model and model.operation != "converse":
                raise ValueError(f"text_only() is for Converse models, not {model_id}")
        with self._lock:
            self._scripts.setdefault(model_id, deque()).extend(outcomes)

    # --- one request ------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        counted = handler.path.startswith("/model/")
        if counted:
            with self._lock:
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            status, body = 200, self._answer(handler.command, handler.path, headers, raw, started)
            extra = {k: v for k, v in headers.items() if k in (
                "x-amzn-bedrock-performanceconfig-latency", "x-amzn-bedrock-service-tier")}
            if not handler.path.startswith("/guardrail/"):
                extra["X-Amzn-Bedrock-Invocation-Latency"] = str(self._elapsed_ms(started))
        except ApiError as error:
            status, body = error.status, {"message": error.message, **error.extra}
            extra = {"x-amzn-ErrorType": error.code + ERROR_TYPE_SUFFIX}
        except Exception as error:  # a bug of the double: say so, loudly
            LOG.exception("BedrockDouble: bug while answering %s", handler.path)
            status, body = 500, {"message": f"BedrockDouble bug: {error!r}"}
            extra = {"x-amzn-ErrorType": "InternalServerException" + ERROR_TYPE_SUFFIX}
        finally:
            if counted:
                with self._lock:
                    self.in_flight -= 1
        payload = json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            for name, value in extra.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (read timeout)
            handler.close_connection = True

    def _answer(self, method: str, path: str, headers: dict[str, str], raw: bytes,
                started: float) -> dict:
        url = urlsplit(path).path
        if method == "POST" and (guard := guardrail.ROUTE.fullmatch(url)):
            identifier, version = unquote(guard[1]), unquote(guard[2])
            body, problem = guardrail.parse(raw)
            with self._lock:
                self.requests.append(Recorded("apply_guardrail", guardrail.KEY + identifier,
                                              body if isinstance(body, dict) else None, headers,
                                              version))
            region = _authenticate(headers.get("authorization", ""), self.bearer_region)
            return self._apply_guardrail(identifier, version, body, problem, started, region)
        route = ROUTE.fullmatch(url)
        if method != "POST" or route is None:
            raise ApiError(404, "UnknownOperationException", f"No operation matches {method} "
                           f"{path}: the double serves POST /model/{{modelId}}/invoke, POST "
                           "/model/{modelId}/converse and POST /guardrail/{guardrailIdentifier}"
                           "/version/{guardrailVersion}/apply.")
        model_id, operation = unquote(route[1]), route[2]
        body, problem = _parse(raw)
        with self._lock:
            self.requests.append(Recorded(operation, model_id, body, headers))
        region = _authenticate(headers.get("authorization", ""), self.bearer_region)
        outcome = self._next_outcome(model_id)
        if outcome.kind in ERRORS:
            raise self._error(outcome.kind, model_id, region)
        if operation == "invoke":
            bedrock_limits.check_invoke(headers, len(raw))
        model = self._model(model_id, operation, region)
        self._count(model_id, model, region)
        if self.fault_rate:
            with self._lock:
                fault = self._rng.random() < self.fault_rate and self._rng.choice((500, 503))
            if fault:
                raise self._error(f"server_error_{fault}", model_id, region)
        if problem is not None:
            raise validation(problem)
        if model.operation == "converse":
            return self._converse(body, outcome, started, text_model=model.family == "nova-text")
        return self._invoke(model, body, outcome)

    def _invoke(self, model: Model, body: Any, outcome: Outcome) -> dict:
        family = FAMILIES[model.family]
        ctx = Ctx(pixel_cap_inclusive=self.pixel_cap_inclusive)
        family.schema.check(body, "#", ctx)
        plan = family.plan(body, ctx)
        self._wait(outcome)
        if outcome.kind == "block_input" and (answer := blocked_input(plan, outcome.text)):
            return answer
        filtered: int | None = 0
        if outcome.kind == "filter_outputs" or (outcome.kind == "block_input" and
                                                plan.kind == "sdxl"):
            filtered = outcome.count
        if not plan.seed:  # Stability: seed 0 means "pick one", and the answer echoes it
            with self._lock:
                plan.seed = self._rng.randint(1, plan.seed_max)
        return render(plan, filtered)

    def _converse(self, body: Any, outcome: Outcome, started: float, *,
                  text_model: bool = False) -> dict:
        conversation = converse.validate(body)
        self._wait(outcome)
        if outcome.kind == "block_input":
            raise converse.blocked_input(outcome.text)
        answer = outcome.text if outcome.kind == "text_only" else (
            converse.TEXT_MODEL_ANSWER if text_model else None)
        return converse.render(conversation, latency_ms=self._elapsed_ms(started), text=answer,
                               filtered=outcome.kind == "filter_outputs",
                               output="text" if text_model else "image")

    # --- helpers ----------------------------------------------------------------------------

    def _next_outcome(self, model_id: str) -> Outcome:
        with self._lock:
            for key in (model_id, "*"):
                if self._scripts.get(key):
                    return self._scripts[key].popleft()
        return OK

    def _model(self, model_id: str, operation: str, region: str) -> Model:
        if not MODEL_ID.fullmatch(model_id):
            raise validation(f"1 validation error detected: Value '{model_id}' at 'modelId' "
                             "failed to satisfy constraint: Member must satisfy regular "
                             f"expression pattern: {MODEL_ID.pattern}")
        model = self.models.get(model_id)
        if model is not None and region not in self.regions.get(model_id, frozenset()):
            raise validation(NOT_IN_REGION)
        names = {model_id, model.base} if model and model.base else {model_id}
        for ids, kind in ((self.eol, "eol"), (self.legacy_inactive, "legacy"),
                          (self.no_access, "access_denied")):
            if names & ids:
                raise self._error(kind, model_id, region)
        if model is None:
            raise ApiError(404, "ResourceNotFoundException", UNKNOWN_MODEL)
        if model.profile_only:
            raise validation(PROFILE_ONLY.format(id=model_id))
        if operation == "converse" and model.operation != "converse":
            raise validation(NOT_CONVERSE)
        if operation == "invoke" and model.operation != "invoke":  # a choice of this double
            raise validation(f"The test double serves {model_id} through Converse only.")
        return model

    def _count(self, model_id: str, model: Model, region: str) -> None:
        """The rpm quota: a sliding window per model and Region (a "us." profile shares its
        model's)."""
        key = model.base or model_id
        limit = self.rpm.get(model_id, self.rpm.get(key, self.rpm.get("*")))
        if limit is None:
            return
        with self._lock:
            window = self._windows.setdefault(f"{region}/{key}", deque())
            now = time.monotonic()
            while window and window[0] <= now - self.rpm_window:
                window.popleft()
            if len(window) >= limit:
                self.throttled += 1
                raise self._error("throttle", model_id, region)
            window.append(now)

    def _error(self, kind: str, model_id: str, region: str) -> ApiError:
        status, code, message = ERRORS[kind]
        extra = {}
        if kind == "model_error":
            extra = {"originalStatusCode": 500,
                     "resourceName": f"arn:aws:bedrock:{region}::foundation-model/{model_id}"}
        return ApiError(status, code, message, **extra)

    def _wait(self, outcome: Outcome) -> None:
        seconds = self.latency + (outcome.seconds if outcome.kind == "delay" else 0.0)
        if seconds > 0:
            self._stopping.wait(seconds)

    @staticmethod
    def _elapsed_ms(started: float) -> int:
        return int((time.monotonic() - started) * 1000)


def _parse(raw: bytes) -> tuple[dict | None, str | None]:
    """The body as a dict, or a Malformed-input message (the JSON parser's wording is invented)."""
    try:
        value = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        return None, MALFORMED.format(ptr="#", reason=f"invalid JSON ({error})")
    if not isinstance(value, dict):
        reason = f"expected type: JSONObject, found: {java_type(value)}"
        return None, MALFORMED.format(ptr="#", reason=reason)
    return value, None


def _authenticate(authorization: str, bearer_region: str) -> str:
    """SigV4 scoped to `bedrock` in a Region with Bedrock Runtime, or a Bedrock API key sent as
    `Authorization: Bearer <key>` (for `bearer_region`); the Region. Signatures are not verified."""
    if not authorization:
        raise ApiError(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    if authorization.startswith("Bearer "):
        if authorization[7:].strip():
            return bearer_region
        raise ApiError(403, "UnrecognizedClientException",
                       "The security token included in the request is invalid.")
    scope = credential_scope(authorization)
    if scope is None:
        raise ApiError(403, "IncompleteSignatureException", "Authorization header requires "
                       "'Credential', 'SignedHeaders' and 'Signature' (AWS4-HMAC-SHA256).")
    if scope.service != "bedrock":
        raise ApiError(403, "InvalidSignatureException",
                       "Credential should be scoped to correct service: 'bedrock'. ")
    if scope.region not in RUNTIME_REGIONS:
        raise ApiError(403, "InvalidSignatureException", invalid_region(scope.region))
    return scope.region




try:
    import pytest
except ImportError:  # pragma: no cover - the double also runs outside pytest (benchmarks)
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture
    def bedrock_double(monkeypatch: pytest.MonkeyPatch) -> Iterator[BedrockDouble]:
        """A started double with boto3's endpoint, credentials and Region pointed at it."""
        double = BedrockDouble().start()
        point_aws_client_at(monkeypatch, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", double.url)
        try:
            yield double
        finally:
            double.stop()
