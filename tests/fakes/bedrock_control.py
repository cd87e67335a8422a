"""A strict local HTTP double of Bedrock's control plane (the `bedrock` service).

The real boto3 `bedrock` client talks to it through AWS_ENDPOINT_URL_BEDROCK. It serves the
four operations the model sync uses, as botocore's service model for `bedrock` 2023-04-20
defines them, and that model is its contract: it is loaded here, and

* every request is checked against it: the route (method and URI), SigV4 scoped to
  `bedrock`, each query and URI parameter known, not repeated, and valid (enum, pattern,
  length, integer range); anything else is a ValidationException (400);
* every answer is checked against the operation's output shape before it is sent (only
  documented members, required ones present, enums and patterns kept): an answer that breaks
  the contract is a bug of the double and is answered 500, loudly;
* errors are documented error shapes: `{"message": ...}` with the exception's name in the
  `x-amzn-ErrorType` header — ValidationException 400, AccessDeniedException 403,
  ResourceNotFoundException 404, ThrottlingException 429, InternalServerException 500.

The Region is the one the request is signed for (the credential scope, read by
tests/fakes/sigv4.py as every AWS double does), so one double serves every Region. State:
`regions[region][model_id]` -> Model, `profiles[region]` -> Profile list; `fail(operation,
code)` scripts errors; `stop()` makes the endpoint unreachable.

Decisions where AWS's documentation is silent:
* GetFoundationModel and GetFoundationModelAvailability on a model the Region does not offer
  answer ResourceNotFoundException (the message wording is invented).
* byProvider matches providerName case-insensitively.
* nextToken is the offset of the next page, as text; `page_size` caps every page.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from botocore.loaders import Loader

from tests.fakes.loopback import LoopbackDouble, point_aws_client_at
from tests.fakes.sigv4 import credential_scope

LOG = logging.getLogger(__name__)
MODEL = Loader().load_service_model("bedrock", "service-2", "2023-04-20")
SHAPES: dict[str, dict[str, Any]] = MODEL["shapes"]
OPERATIONS = ("ListFoundationModels", "GetFoundationModel", "GetFoundationModelAvailability",
              "ListInferenceProfiles")
ERRORS = {"ValidationException": 400, "AccessDeniedException": 403,
          "ResourceNotFoundException": 404, "ThrottlingException": 429,
          "InternalServerException": 500}
NOT_FOUND = "Could not resolve the foundation model from the provided model identifier."


class ApiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, ERRORS[code]


def _route(operation: str) -> tuple[str, re.Pattern[str], dict[str, Any]]:
    spec = MODEL["operations"][operation]
    uri = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", spec["http"]["requestUri"])
    return spec["http"]["method"], re.compile(uri), spec


ROUTES = {operation: _route(operation) for operation in OPERATIONS}


# --- the contract: botocore's shapes -----------------------------------------------------------

def _check_text(value: str, shape: dict[str, Any], where: str) -> None:
    if "enum" in shape and value not in shape["enum"]:
        raise ApiError("ValidationException", f"1 validation error detected: Value '{value}' at "
                       f"'{where}' failed to satisfy constraint: Member must satisfy enum value "
                       f"set: [{', '.join(shape['enum'])}]")
    if not shape.get("min", 0) <= len(value) <= shape.get("max", len(value)):
        raise ApiError("ValidationException", f"1 validation error detected: Value '{value}' at "
                       f"'{where}' failed to satisfy constraint: Member must have length "
                       f"between {shape.get('min', 0)} and {shape.get('max')}")
    if "pattern" in shape and not re.fullmatch(shape["pattern"], value):
        raise ApiError("ValidationException", f"1 validation error detected: Value '{value}' at "
                       f"'{where}' failed to satisfy constraint: Member must satisfy regular "
                       f"expression pattern: {shape['pattern']}")


def parameter(text: str, shape_name: str, where: str) -> Any:
    """A query or URI parameter (text on the wire) checked against its shape."""
    shape = SHAPES[shape_name]
    if shape["type"] == "integer":
        if not re.fullmatch(r"-?\d+", text):
            raise ApiError("ValidationException", f"Value '{text}' at '{where}' is not an "
                           "integer")
        number = int(text)
        if not shape.get("min", number) <= number <= shape.get("max", number):
            raise ApiError("ValidationException", f"1 validation error detected: Value "
                           f"'{number}' at '{where}' failed to satisfy constraint: Member must "
                           f"have value between {shape.get('min')} and {shape.get('max')}")
        return number
    _check_text(text, shape, where)
    return text


def conforms(value: Any, shape_name: str, where: str = "#") -> None:
    """Raise AssertionError unless `value` (JSON as sent) has the shape; answers only."""
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if kind == "structure":
        assert isinstance(value, dict), f"{where}: expected an object"
        unknown = set(value) - set(shape["members"])
        assert not unknown, f"{where}: undocumented members {sorted(unknown)}"
        missing = [name for name in shape.get("required", []) if name not in value]
        assert not missing, f"{where}: missing required {missing}"
        for name, member in value.items():
            conforms(member, shape["members"][name]["shape"], f"{where}.{name}")
    elif kind == "list":
        assert isinstance(value, list), f"{where}: expected a list"
        assert shape.get("min", 0) <= len(value) <= shape.get("max", len(value)), (
            f"{where}: list length {len(value)} outside [{shape.get('min')}, {shape.get('max')}]")
        for i, item in enumerate(value):
            conforms(item, shape["member"]["shape"], f"{where}[{i}]")
    elif kind == "string":
        assert isinstance(value, str), f"{where}: expected a string"
        try:
            _check_text(value, shape, where)
        except ApiError as problem:
            raise AssertionError(problem.message) from None
    elif kind == "timestamp":
        assert isinstance(value, str), f"{where}: expected an ISO 8601 timestamp"
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: expected a boolean"
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: expected int"
    else:  # pragma: no cover - no other kinds in these four operations
        raise AssertionError(f"{where}: the double does not know shape type {kind}")


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- state ---------------------------------------------------------------------------------

@dataclass
class Model:
    """A foundation model as one Region offers it."""

    model_id: str
    name: str  # BrandedName: at most 20 characters
    provider: str
    input_modalities: tuple[str, ...] = ("TEXT", "IMAGE")
    output_modalities: tuple[str, ...] = ("IMAGE",)
    inference_types: tuple[str, ...] = ("ON_DEMAND",)
    status: str = "ACTIVE"
    start_of_life: datetime | None = None
    legacy_at: datetime | None = None
    extended_access_at: datetime | None = None
    eol_at: datetime | None = None
    agreement: str = "AVAILABLE"
    authorization: str = "AUTHORIZED"
    entitlement: str = "AVAILABLE"
    region_availability: str = "AVAILABLE"

    def arn(self, region: str) -> str:
        return f"arn:aws:bedrock:{region}::foundation-model/{self.model_id}"

    def summary(self, region: str) -> dict[str, Any]:
        life = {"status": self.status, "startOfLifeTime": _when(self.start_of_life),
                "legacyTime": _when(self.legacy_at),
                "publicExtendedAccessTime": _when(self.extended_access_at),
                "endOfLifeTime": _when(self.eol_at)}
        return {"modelArn": self.arn(region), "modelId": self.model_id, "modelName": self.name,
                "providerName": self.provider, "inputModalities": list(self.input_modalities),
                "outputModalities": list(self.output_modalities),
                "responseStreamingSupported": False, "customizationsSupported": [],
                "inferenceTypesSupported": list(self.inference_types),
                "modelLifecycle": {k: v for k, v in life.items() if v is not None}}


@dataclass
class Profile:
    profile_id: str
    name: str
    routes: list[tuple[str, str]] = field(default_factory=list)  # (region, model id)
    type: str = "SYSTEM_DEFINED"

    def summary(self, region: str, account: str = "123456789012") -> dict[str, Any]:
        return {"inferenceProfileName": self.name,
                "inferenceProfileArn": (f"arn:aws:bedrock:{region}:{account}:inference-profile/"
                                        f"{self.profile_id}"),
                "models": [{"modelArn": f"arn:aws:bedrock:{where}::foundation-model/{model}"}
                           for where, model in self.routes],
                "inferenceProfileId": self.profile_id, "status": "ACTIVE", "type": self.type}


@dataclass(frozen=True)
class Recorded:
    operation: str
    region: str
    params: dict[str, Any]


class BedrockControlDouble(LoopbackDouble):
    """`start()` it, point boto3 at `url` (the `bedrock_control` fixture does), `stop()` it."""

    def __init__(self) -> None:
        self.regions: dict[str, dict[str, Model]] = {}
        self.profiles: dict[str, list[Profile]] = {}
        self.requests: list[Recorded] = []
        self.page_size = 1000
        self._failures: deque[tuple[str, str | None, str, str]] = deque()
        self._lock = threading.Lock()
        self._loopback_setup()

    # --- configuration ---------------------------------------------------------------------

    def offer(self, region: str, model: Model) -> Model:
        self.regions.setdefault(region, {})[model.model_id] = model
        return model

    def withdraw(self, region: str, model_id: str) -> None:
        """The Region stops offering the model (and its profiles stop routing there)."""
        self.regions.get(region, {}).pop(model_id, None)

    def model(self, region: str, model_id: str) -> Model:
        return self.regions[region][model_id]

    def add_profile(self, source_regions: Iterable[str], profile: Profile) -> None:
        for region in source_regions:
            self.profiles.setdefault(region, []).append(profile)

    def fail(self, operation: str, code: str, message: str = "", *, times: int = 1,
             region: str | None = None) -> None:
        """The next `times` calls of `operation` (in `region`, or any) answer error `code`."""
        assert operation in OPERATIONS and code in ERRORS, (operation, code)
        with self._lock:
            self._failures.extend([(operation, region, code, message or f"{code} (scripted)")]
                                  * times)

    def calls(self, operation: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if operation in (None, r.operation)]

    # --- one request -----------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        try:
            status, answer = 200, self._answer(handler.command, handler.path,
                                               handler.headers.get("Authorization", ""), body)
            headers = {}
        except ApiError as error:
            status, answer = error.status, {"message": error.message}
            headers = {"x-amzn-ErrorType": error.code}
        except Exception as error:  # a bug of the double (or an answer off the contract)
            LOG.exception("BedrockControlDouble: bug while answering %s", handler.path)
            status, answer = 500, {"message": f"BedrockControlDouble bug: {error!r}"}
            headers = {"x-amzn-ErrorType": "InternalServerException"}
        payload = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(self, method: str, path: str, authorization: str, body: bytes) -> dict:
        url = urlsplit(path)
        matched = next(((operation, spec, found) for operation, (verb, pattern, spec)
                        in ROUTES.items()
                        if method == verb and (found := pattern.fullmatch(url.path))), None)
        if matched is None:
            raise ApiError("ResourceNotFoundException",
                           f"No operation matches {method} {url.path} (the double serves "
                           f"{', '.join(OPERATIONS)})")
        operation, spec, found = matched
        region = _authenticate(authorization)
        if body:
            raise ApiError("ValidationException", f"{operation} takes no request body")
        params = self._params(spec, found.groupdict(), url.query)
        with self._lock:
            self.requests.append(Recorded(operation, region, params))
            scripted = next((f for f in self._failures
                             if f[0] == operation and f[1] in (None, region)), None)
            if scripted is not None:
                self._failures.remove(scripted)
        if scripted is not None:
            raise ApiError(scripted[2], scripted[3])
        answer = getattr(self, f"_{_snake(operation)}")(region, params)
        conforms(answer, spec["output"]["shape"])
        return answer

    def _params(self, spec: dict[str, Any], path_values: dict[str, str], query: str
                ) -> dict[str, Any]:
        members = SHAPES[spec["input"]["shape"]]["members"]
        by_location = {(m.get("location"), m.get("locationName", name)): (name, m)
                       for name, m in members.items()}
        params: dict[str, Any] = {}
        for wire, text in path_values.items():
            name, member = by_location[("uri", wire)]
            params[name] = parameter(unquote(text), member["shape"], name)
        for wire, values in parse_qs(query, keep_blank_values=True).items():
            if ("querystring", wire) not in by_location:
                raise ApiError("ValidationException", f"Unknown query parameter '{wire}'")
            if len(values) > 1:
                raise ApiError("ValidationException", f"Query parameter '{wire}' repeated")
            name, member = by_location[("querystring", wire)]
            params[name] = parameter(values[0], member["shape"], wire)
        missing = [n for n in SHAPES[spec["input"]["shape"]].get("required", [])
                   if n not in params]
        if missing:
            raise ApiError("ValidationException", f"Missing required parameter {missing[0]}")
        return params

    # --- the operations --------------------------------------------------------------------

    def _list_foundation_models(self, region: str, params: dict[str, Any]) -> dict:
        def wanted(model: Model) -> bool:
            return ((params.get("byProvider") is None
                     or params["byProvider"].lower() == model.provider.lower())
                    and params.get("byOutputModality") in (None, *model.output_modalities)
                    and params.get("byInferenceType") in (None, *model.inference_types)
                    and params.get("byCustomizationType") is None)

        return {"modelSummaries": [model.summary(region) for model in
                                   self.regions.get(region, {}).values() if wanted(model)]}

    def _found(self, region: str, identifier: str) -> Model:
        model_id = identifier.rsplit("/", 1)[-1] if identifier.startswith("arn:") else identifier
        model = self.regions.get(region, {}).get(model_id)
        if model is None:
            raise ApiError("ResourceNotFoundException", NOT_FOUND)
        return model

    def _get_foundation_model(self, region: str, params: dict[str, Any]) -> dict:
        return {"modelDetails": self._found(region, params["modelIdentifier"]).summary(region)}

    def _get_foundation_model_availability(self, region: str, params: dict[str, Any]) -> dict:
        model = self._found(region, params["modelId"])
        return {"modelId": model.model_id, "agreementAvailability": {"status": model.agreement},
                "authorizationStatus": model.authorization,
                "entitlementAvailability": model.entitlement,
                "regionAvailability": model.region_availability}

    def _list_inference_profiles(self, region: str, params: dict[str, Any]) -> dict:
        wanted = [p for p in self.profiles.get(region, [])
                  if params.get("typeEquals") in (None, p.type)]
        start = 0
        if "nextToken" in params:
            if not params["nextToken"].isdigit() or int(params["nextToken"]) > len(wanted):
                raise ApiError("ValidationException", "The nextToken is not valid.")
            start = int(params["nextToken"])
        size = min(params.get("maxResults", self.page_size), self.page_size)
        page = wanted[start:start + size]
        answer: dict[str, Any] = {"inferenceProfileSummaries": [p.summary(region) for p in page]}
        if start + size < len(wanted):
            answer["nextToken"] = str(start + size)
        return answer


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _authenticate(authorization: str) -> str:
    """SigV4 for `bedrock` (not verified: the double has no secret); the signed Region."""
    if not authorization:
        raise ApiError("AccessDeniedException", "Missing Authentication Token")
    scope = credential_scope(authorization)
    if scope is None:
        raise ApiError("AccessDeniedException", "Authorization header requires 'Credential', "
                       "'SignedHeaders' and 'Signature' (AWS4-HMAC-SHA256).")
    if scope.service != "bedrock":
        raise ApiError("AccessDeniedException", "Credential should be scoped to correct "
                       "service: 'bedrock'.")
    return scope.region


def name_of(key: str) -> str:
    return key.replace("-", " ").title()[:20]


def seed_from_catalog(double: BedrockControlDouble, specs: Iterable[Any]) -> None:
    """Offer every Bedrock model of the catalog, ACTIVE and with access, in each Region the
    catalog lists for it, and an inference profile for each profile ID it calls."""
    for spec in specs:
        if spec.family == "local":
            continue
        base = spec.base_model_id
        outputs = ("TEXT", "IMAGE") if spec.family == "nova-omni" else ("IMAGE",)
        provider = "Stability AI" if base.startswith("stability.") else "Amazon"
        for region in spec.regions:
            if base not in double.regions.get(region, {}):
                double.offer(region, Model(base, name_of(spec.key), provider,
                                           output_modalities=outputs))
        if spec.model_id != base:
            double.add_profile(spec.regions, Profile(
                spec.model_id, f"US {name_of(spec.key)}"[:64],
                [(region, base) for region in spec.regions]))


try:
    import pytest
except ImportError:  # pragma: no cover
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture
    def bedrock_control(monkeypatch: pytest.MonkeyPatch) -> Iterator[BedrockControlDouble]:
        """A started control-plane double, boto3's `bedrock` endpoint pointed at it."""
        double = BedrockControlDouble().start()
        point_aws_client_at(monkeypatch, "AWS_ENDPOINT_URL_BEDROCK", double.url)
        try:
            yield double
        finally:
            double.stop()
