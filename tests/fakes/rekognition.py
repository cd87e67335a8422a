"""A strict local HTTP double of Amazon Rekognition `DetectModerationLabels` (how Atelier uses it
on every generated image: docs/moderation.md, "Generated images — before they are delivered").

The real boto3 client reaches it through AWS_ENDPOINT_URL_REKOGNITION: AWS JSON 1.1, `POST /` with
`X-Amz-Target: RekognitionService.DetectModerationLabels` and `Content-Type:
application/x-amz-json-1.1`; errors are `{"__type": "<Name>", "Message": "..."}`.

Controls:
* `labels: list[dict]` - the labels of every image (default none: clean), each with Name and
  Confidence and optionally ParentName ("" = top level) and TaxonomyLevel (default 1 without a
  parent, else 2); returned when Confidence >= MinConfidence (default 50, as the service does);
* `content_types: list[dict]` - the ContentTypes of every image (default none);
* `script(*outcomes)` - FIFO outcomes for the next requests: throttle(), server_error(),
  delay(seconds), invalid_image(), image_too_large(), access_denied();
* `s3_objects: dict[(bucket, key), bytes]` - the objects an S3Object image can name;
* `s3_bucket_regions: dict[str, str]` - the Region of a bucket (a bucket not listed is in the
  Region of the request);
* `project_versions: set[str]` - the custom-adapter ARNs that exist;
* `latency: float` - seconds added to every answer.

Order of checks: route (404) -> target and content type (400) -> record -> auth and Region
(400) -> scripted error -> JSON types and unknown members (400) -> Coral constraints (400, all at
once) -> image source, format and dimensions (400) -> adapter (400) -> latency and delay ->
answer.

The Region is the one the request is signed for (tests/fakes/sigv4.py). Rekognition exists in
fewer Regions than most services: a credential scoped to a Region botocore's endpoint data does
not list for it is refused (InvalidSignatureException, the answer of an endpoint to a credential
for a Region it does not serve). Rekognition reads S3 objects in its own Region only, and a
custom adapter (ProjectVersion) belongs to the Region in its ARN.

Decisions where AWS's documentation of the operation is silent:
* Statuses: 400 for every client error, 500 for InternalServerError and ThrottlingException
  (both modelled as faults; inferred from the API's error list, not captured). Auth errors are
  400 too (JSON-protocol Coral).
* Coral framework errors (ValidationException, SerializationException, UnknownOperationException,
  auth errors) carry a lower-case `message`, as in the captured
  `{"__type":"ValidationException","message":"1 validation error detected: Value
  'java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]' at 'image.bytes' ..."}`; Rekognition's own
  exceptions carry `Message`. botocore reads both.
* Raw bytes: empty or over 5,242,880 bytes -> that captured ValidationException (not
  ImageTooLargeException). Not PNG/JPEG (WebP, GIF, garbage) -> InvalidImageFormatException
  "Request has invalid image format" (captured). A side under 80 px -> InvalidParameterException
  "Request has Invalid Parameters" (captured for a small S3 image). A side over 10,000 px ->
  ImageTooLargeException with the captured "Input image dimensions W x H exceed maximum dimension
  size of 10000 pixels" (the exception name is inferred). S3 objects over 15 MB ->
  ImageTooLargeException (invented wording).
* Unknown members anywhere -> InvalidParameterException (the real service may ignore them; this
  double refuses them so that typos fail). Wrong JSON types -> SerializationException with
  Coral-style messages (recalled, not captured). Image with both or neither of Bytes/S3Object ->
  InvalidParameterException.
* An S3Object not registered in `s3_objects`, or in a bucket of another Region ->
  InvalidS3ObjectException "Unable to get object
  metadata from S3. Check object key, region and/or access permissions." (recalled wording).
* HumanLoopConfig is validated but never activates a human loop (no HumanLoopActivationOutput).
  An unregistered ProjectVersion, or one whose ARN names another Region ->
  ResourceNotFoundException (invented wording); a registered one is echoed in the answer.
* ModerationModelVersion is "7.0"; ContentTypes is always present (empty by default).
* Scripted errors and delays are consumed before validation, like the Bedrock double's.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import logging
import re
import threading
import time
import uuid
import warnings
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from PIL import Image

from tests.fakes.bedrock_outcomes import OK, Outcome, delay
from tests.fakes.bedrock_schema import ApiError
from tests.fakes.loopback import LoopbackDouble, point_aws_client_at
from tests.fakes.sigv4 import credential_scope, invalid_region, service_regions

__all__ = ["OK", "Outcome", "Recorded", "RekognitionDouble", "access_denied", "delay",
           "image_too_large", "invalid_image", "label", "rekognition_double", "server_error",
           "throttle"]

LOG = logging.getLogger(__name__)
TARGET = "RekognitionService.DetectModerationLabels"
CONTENT_TYPE = "application/x-amz-json-1.1"
MAX_BYTES = 5_242_880
MAX_S3_BYTES = 15 * 1024 * 1024
MIN_SIDE = 80
MAX_SIDE = 10_000
MODEL_VERSION = "7.0"
DEFAULT_MIN_CONFIDENCE = 50.0
ACCOUNT = "123456789012"
INVALID_PARAMETERS = "Request has Invalid Parameters"  # captured
INVALID_FORMAT = "Request has invalid image format"  # captured
NO_S3_OBJECT = ("Unable to get object metadata from S3. Check object key, region and/or access "
                "permissions.")
TOO_WIDE = "Input image dimensions {w} x {h} exceed maximum dimension size of 10000 pixels"
# kind -> (HTTP status, __type, Message). Messages follow the API reference's descriptions.
ERRORS: dict[str, tuple[int, str, str]] = {
    "throttle": (400, "ProvisionedThroughputExceededException", "The number of requests "
                 "exceeded your throughput limit. If you want to increase this limit, contact "
                 "Amazon Rekognition."),
    "throttling_exception": (500, "ThrottlingException", "Amazon Rekognition is temporarily "
                             "unable to process the request. Try your call again."),
    "server_error_500": (500, "InternalServerError", "Amazon Rekognition experienced a service "
                         "issue. Try your call again."),
    "invalid_image": (400, "InvalidImageFormatException", INVALID_FORMAT),
    "image_too_large": (400, "ImageTooLargeException", "The input image size exceeds the "
                        "allowed limit."),
    "access_denied": (400, "AccessDeniedException", f"User: arn:aws:iam::{ACCOUNT}:user/testing "
                      "is not authorized to perform: rekognition:DetectModerationLabels because "
                      "no identity-based policy allows the rekognition:DetectModerationLabels "
                      "action"),
}
OUTCOMES = frozenset({"ok", "delay", *ERRORS})
CORAL = frozenset({"ValidationException", "SerializationException", "UnknownOperationException",
                   "MissingAuthenticationTokenException", "IncompleteSignatureException",
                   "InvalidSignatureException"})

# --- outcomes ---------------------------------------------------------------------------------


def throttle(exception: str = "ProvisionedThroughputExceededException") -> Outcome:
    """A throttle: ProvisionedThroughputExceededException (400, the account's TPS limit) or
    ThrottlingException (500, the service is busy)."""
    kinds = {"ProvisionedThroughputExceededException": "throttle",
             "ThrottlingException": "throttling_exception"}
    if exception not in kinds:
        raise ValueError(f"throttle() takes one of {sorted(kinds)}")
    return Outcome(kinds[exception])


def server_error() -> Outcome:
    return Outcome("server_error_500", status=500)


def invalid_image() -> Outcome:
    return Outcome("invalid_image")


def image_too_large() -> Outcome:
    return Outcome("image_too_large")


def access_denied() -> Outcome:
    return Outcome("access_denied")


def label(name: str, confidence: float, parent: str = "", level: int | None = None) -> dict:
    """A ModerationLabel for `double.labels`."""
    return {"Name": name, "Confidence": float(confidence), "ParentName": parent,
            "TaxonomyLevel": level if level is not None else (2 if parent else 1)}


# --- request validation -----------------------------------------------------------------------


def _error(status: int, code: str, message: str) -> ApiError:
    return ApiError(status, code, message)


def _invalid(detail: str) -> ApiError:
    return _error(400, "InvalidParameterException", f"{INVALID_PARAMETERS} [RekognitionDouble: "
                                                    f"{detail}]")


SHAPE_NAMES = {str: "String", float: "Float", dict: "structure", list: "list"}


def _typed(value: Any, kind: type, path: str) -> None:
    """Coral's JSON deserialisation errors (recalled wording, not captured)."""
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if ok:
        return
    if isinstance(value, dict):
        message = "Start of structure or map found where not expected."
    elif isinstance(value, list):
        message = "Start of list found where not expected"
    else:
        found = ("TRUE_VALUE" if value is True else "FALSE_VALUE" if value is False
                 else "STRING_VALUE" if isinstance(value, str) else "NUMBER_VALUE")
        message = f"{found} can not be converted to a {SHAPE_NAMES[kind]}"
    raise _error(400, "SerializationException", f"{message} (at '{path}')")


def _members(value: Any, path: str, allowed: tuple[str, ...]) -> dict:
    _typed(value, dict, path)
    for key in value:
        if key not in allowed:
            raise _invalid(f"unknown member '{key}' at '{path}'")
    return {k: v for k, v in value.items() if v is not None}  # JSON null = absent


def _violation(value: Any, path: str, constraint: str) -> str:
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def _length(value: str | list, path: str, lo: int | None, hi: int | None, errors: list[str],
            shown: Any = None) -> None:
    shown = value if shown is None else shown
    if lo is not None and len(value) < lo:
        errors.append(_violation(shown, path, f"Member must have length greater than or equal "
                                              f"to {lo}"))
    elif hi is not None and len(value) > hi:
        errors.append(_violation(shown, path, f"Member must have length less than or equal to "
                                              f"{hi}"))


def _pattern(value: str, path: str, pattern: str, errors: list[str]) -> None:
    if not re.fullmatch(pattern, value):  # Coral matches the whole value
        errors.append(_violation(value, path, "Member must satisfy regular expression pattern: "
                                              f"{pattern}"))


BUCKET = r"[0-9A-Za-z\.\-_]*"
LOOP_NAME = r"^[a-z0-9](-*[a-z0-9])*"
PROJECT_VERSION = (r"(^arn:[a-z\d-]+:rekognition:[a-z\d-]+:\d{12}:project\/[a-zA-Z0-9_.\-]{1,255}"
                   r"\/version\/[a-zA-Z0-9_.\-]{1,255}\/[0-9]+$)")
CLASSIFIERS = ("FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent")


@dataclass
class Request:
    """A valid DetectModerationLabels request."""

    data: bytes | None  # Image.Bytes, decoded
    s3: tuple[str, str] | None  # Image.S3Object (Bucket, Name)
    min_confidence: float
    project_version: str | None


def validate(body: Any) -> Request:
    """Deserialise and validate a request body; raise ApiError (400) on the first refusal."""
    body = _members(body, "request", ("Image", "MinConfidence", "HumanLoopConfig",
                                      "ProjectVersion"))
    errors: list[str] = []
    data: bytes | None = None
    s3: tuple[str, str] | None = None
    image = body.get("Image")
    if image is None:
        errors.append(_violation(None, "image", "Member must not be null"))
    else:
        image = _members(image, "Image", ("Bytes", "S3Object"))
        if "Bytes" in image:
            _typed(image["Bytes"], str, "Image.Bytes")
            try:
                data = base64.b64decode(image["Bytes"], validate=True)
            except (binascii.Error, ValueError):  # INVENTED wording
                raise _error(400, "SerializationException", "Base64 encoded binary data is "
                             "malformed (at 'Image.Bytes')") from None
            buffer = f"java.nio.HeapByteBuffer[pos=0 lim={len(data)} cap={len(data)}]"
            _length(data, "image.bytes", 1, MAX_BYTES, errors, shown=buffer)
        if "S3Object" in image:
            s3_object = _members(image["S3Object"], "Image.S3Object",
                                 ("Bucket", "Name", "Version"))
            for name, lo, hi in (("Bucket", 3, 255), ("Name", 1, 1024), ("Version", 1, 1024)):
                if name in s3_object:
                    _typed(s3_object[name], str, f"Image.S3Object.{name}")
                    _length(s3_object[name], f"image.s3Object.{name.lower()}", lo, hi, errors)
            if "Bucket" in s3_object:
                _pattern(s3_object["Bucket"], "image.s3Object.bucket", BUCKET, errors)
            s3 = (s3_object.get("Bucket", ""), s3_object.get("Name", ""))
    min_confidence = DEFAULT_MIN_CONFIDENCE
    if "MinConfidence" in body:
        _typed(body["MinConfidence"], float, "MinConfidence")
        min_confidence = float(body["MinConfidence"])
        if not 0 <= min_confidence <= 100:
            bound = ("greater than or equal to 0" if min_confidence < 0
                     else "less than or equal to 100")
            errors.append(_violation(min_confidence, "minConfidence", f"Member must have value "
                                                                      f"{bound}"))
    if "HumanLoopConfig" in body:
        _human_loop(body["HumanLoopConfig"], errors)
    project = body.get("ProjectVersion")
    if project is not None:
        _typed(project, str, "ProjectVersion")
        _length(project, "projectVersion", 20, 2048, errors)
        _pattern(project, "projectVersion", PROJECT_VERSION, errors)
    if errors:
        plural = "s" if len(errors) > 1 else ""
        raise _error(400, "ValidationException", f"{len(errors)} validation error{plural} "
                                                 f"detected: " + "; ".join(errors))
    if (data is None) == (s3 is None):
        raise _invalid("Image needs exactly one of Bytes and S3Object")
    return Request(data, s3, min_confidence, project)


def _human_loop(value: Any, errors: list[str]) -> None:
    config = _members(value, "HumanLoopConfig", ("HumanLoopName", "FlowDefinitionArn",
                                                 "DataAttributes"))
    for name in ("HumanLoopName", "FlowDefinitionArn"):
        path = f"humanLoopConfig.{name[0].lower()}{name[1:]}"
        if name not in config:
            errors.append(_violation(None, path, "Member must not be null"))
            continue
        _typed(config[name], str, f"HumanLoopConfig.{name}")
        if name == "HumanLoopName":
            _length(config[name], path, 1, 63, errors)
            _pattern(config[name], path, LOOP_NAME, errors)
        else:
            _length(config[name], path, None, 256, errors)
    if "DataAttributes" in config:
        attributes = _members(config["DataAttributes"], "HumanLoopConfig.DataAttributes",
                              ("ContentClassifiers",))
        classifiers = attributes.get("ContentClassifiers", [])
        _typed(classifiers, list, "HumanLoopConfig.DataAttributes.ContentClassifiers")
        path = "humanLoopConfig.dataAttributes.contentClassifiers"
        _length(classifiers, path, None, 256, errors)
        for i, classifier in enumerate(classifiers, 1):
            _typed(classifier, str, f"{path}.{i}")
            if classifier not in CLASSIFIERS:
                errors.append(_violation(classifier, f"{path}.{i}.member", "Member must satisfy "
                                         f"enum value set: [{', '.join(CLASSIFIERS)}]"))


def _check_image(data: bytes) -> None:
    """The service-level image checks: format (PNG/JPEG) and dimensions."""
    try:
        with warnings.catch_warnings():  # 10000x10000 is allowed but trips Pillow's bomb warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:  # over 179 Mpx: more than 10000 px on a side
        raise _error(400, "ImageTooLargeException", TOO_WIDE.format(w="?", h="?")) from None
    except Exception:
        raise _error(400, "InvalidImageFormatException", INVALID_FORMAT) from None
    if image.format not in ("PNG", "JPEG"):
        raise _error(400, "InvalidImageFormatException", INVALID_FORMAT)
    w, h = image.size
    if min(w, h) < MIN_SIDE:
        raise _error(400, "InvalidParameterException", INVALID_PARAMETERS)
    if max(w, h) > MAX_SIDE:
        raise _error(400, "ImageTooLargeException", TOO_WIDE.format(w=w, h=h))
    try:
        image.load()  # truncated or corrupt data
    except Exception:
        raise _error(400, "InvalidImageFormatException", INVALID_FORMAT) from None


# --- the double -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    operation: str  # the X-Amz-Target after "RekognitionService." (or the whole header)
    body: dict | None  # the JSON body as sent (Image.Bytes still base64); None if not an object
    headers: dict[str, str]  # names lower-cased

    @property
    def image(self) -> bytes | None:
        """Image.Bytes, decoded (None when absent or not base64)."""
        try:
            return base64.b64decode((self.body or {})["Image"]["Bytes"], validate=True)
        except (KeyError, TypeError, binascii.Error, ValueError):
            return None


class RekognitionDouble(LoopbackDouble):
    """The double. `start()` it, point boto3 at `url`, `stop()` it (or use it as a context)."""

    def __init__(self, *, latency: float = 0.0) -> None:
        self.latency = latency
        self.url = ""
        self.requests: list[Recorded] = []
        self.labels: list[dict] = []
        self.content_types: list[dict] = []
        self.s3_objects: dict[tuple[str, str], bytes] = {}
        self.s3_bucket_regions: dict[str, str] = {}
        self.project_versions: set[str] = set()
        self._lock = threading.Lock()
        self._script: deque[Outcome] = deque()
        self._loopback_setup()

    # --- lifecycle ----------------------------------------------------------------------------


    # --- configuration ------------------------------------------------------------------------

    def script(self, *outcomes: Outcome) -> None:
        """Queue outcomes, first in first out, one per request."""
        for outcome in outcomes:
            if not isinstance(outcome, Outcome):
                raise TypeError(f"not an Outcome: {outcome!r}")
            if outcome.kind not in OUTCOMES:
                raise ValueError(f"{outcome.kind}() is not a Rekognition outcome; use one of "
                                 f"{sorted(OUTCOMES)}")
        with self._lock:
            self._script.extend(outcomes)

    @property
    def pending(self) -> int:
        """How many scripted outcomes are still queued."""
        with self._lock:
            return len(self._script)

    # --- one request --------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        try:
            status, body = 200, self._answer(handler.command, handler.path, headers, raw, started)
        except ApiError as error:
            key = "message" if error.code in CORAL else "Message"
            status, body = error.status, {"__type": error.code, key: error.message}
        except Exception as error:  # a bug of the double: say so, loudly
            LOG.exception("RekognitionDouble: bug while answering %s", handler.path)
            status, body = 500, {"__type": "InternalServerError",
                                 "Message": f"RekognitionDouble bug: {error!r}"}
        payload = json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", CONTENT_TYPE)
            handler.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (read timeout)
            handler.close_connection = True

    def _answer(self, method: str, path: str, headers: dict[str, str], raw: bytes,
                started: float) -> dict:
        if method != "POST" or path != "/":
            raise _error(404, "UnknownOperationException", f"No operation matches {method} "
                         f"{path}: the double serves POST / with X-Amz-Target: {TARGET}.")
        target = headers.get("x-amz-target", "")
        try:
            value = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            value = None
        with self._lock:
            self.requests.append(Recorded(target.removeprefix("RekognitionService."),
                                          value if isinstance(value, dict) else None, headers))
        if target != TARGET or headers.get("content-type", "").split(";")[0] != CONTENT_TYPE:
            raise _error(400, "UnknownOperationException", f"The double serves only {TARGET} "
                         f"with Content-Type {CONTENT_TYPE} (got X-Amz-Target {target!r}, "
                         f"Content-Type {headers.get('content-type')!r}).")
        region = _authenticate(headers.get("authorization", ""))
        with self._lock:
            outcome = self._script.popleft() if self._script else OK
        if outcome.kind in ERRORS:
            status, code, message = ERRORS[outcome.kind]
            raise _error(status, code, message)
        if value is None and raw.strip() not in (b"", b"null"):  # INVENTED wording
            raise _error(400, "SerializationException", "The request body is not valid JSON.")
        request = validate(value if value is not None else {})
        self._check_source(request, region)
        seconds = self.latency + (outcome.seconds if outcome.kind == "delay" else 0.0)
        if seconds > 0:
            self._stopping.wait(seconds)
        return self._render(request)

    def _check_source(self, request: Request, region: str) -> None:
        data = request.data
        if request.s3 is not None:
            with self._lock:
                data = self.s3_objects.get(request.s3)
                bucket_region = self.s3_bucket_regions.get(request.s3[0], region)
            if data is None or bucket_region != region:
                raise _error(400, "InvalidS3ObjectException", NO_S3_OBJECT)
            if len(data) > MAX_S3_BYTES:  # INVENTED wording
                raise _error(400, "ImageTooLargeException", f"The S3 object is {len(data)} "
                             f"bytes; the maximum image size in S3 is {MAX_S3_BYTES} bytes.")
        assert data is not None
        _check_image(data)
        if request.project_version is not None:
            with self._lock:
                known = request.project_version in self.project_versions
            if not known or request.project_version.split(":")[3] != region:  # INVENTED wording
                raise _error(400, "ResourceNotFoundException", "The project version "
                             f"{request.project_version} was not found.")

    def _render(self, request: Request) -> dict:
        with self._lock:
            labels, content_types = list(self.labels), list(self.content_types)
        found = []
        for item in labels:
            unknown = set(item) - {"Name", "Confidence", "ParentName", "TaxonomyLevel"}
            if unknown or "Name" not in item or "Confidence" not in item:
                raise ValueError(f"a label needs Name and Confidence, and may have ParentName "
                                 f"and TaxonomyLevel: {item!r}")
            confidence = float(item["Confidence"])
            if confidence >= request.min_confidence:
                parent = item.get("ParentName", "")
                found.append({"Confidence": confidence, "Name": item["Name"],
                              "ParentName": parent,
                              "TaxonomyLevel": item.get("TaxonomyLevel", 2 if parent else 1)})
        answer: dict[str, Any] = {"ModerationLabels": found,
                                  "ModerationModelVersion": MODEL_VERSION,
                                  "ContentTypes": [dict(c) for c in content_types]}
        if request.project_version is not None:
            answer["ProjectVersion"] = request.project_version
        return answer


def _authenticate(authorization: str) -> str:
    """SigV4 scoped to `rekognition` in a Region Rekognition exists in (parsed, not verified:
    the double has no secret key); the Region."""
    if not authorization:
        raise _error(400, "MissingAuthenticationTokenException", "Missing Authentication Token")
    scope = credential_scope(authorization)
    if scope is None:
        raise _error(400, "IncompleteSignatureException", "Authorization header requires "
                     "'Credential', 'SignedHeaders' and 'Signature' (AWS4-HMAC-SHA256).")
    if scope.service != "rekognition":
        raise _error(400, "InvalidSignatureException",
                     "Credential should be scoped to correct service: 'rekognition'. ")
    if scope.region not in service_regions("rekognition"):
        raise _error(400, "InvalidSignatureException", invalid_region(scope.region))
    return scope.region




try:
    import pytest
except ImportError:  # pragma: no cover - the double also runs outside pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture
    def rekognition_double(monkeypatch: pytest.MonkeyPatch) -> Iterator[RekognitionDouble]:
        """A started double with boto3's endpoint, credentials and Region pointed at it."""
        double = RekognitionDouble().start()
        point_aws_client_at(monkeypatch, "AWS_ENDPOINT_URL_REKOGNITION", double.url)
        try:
            yield double
        finally:
            double.stop()
