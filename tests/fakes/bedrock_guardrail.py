"""Bedrock Guardrails `ApplyGuardrail` for the Bedrock double (how Atelier calls it on prompts
and images: docs/moderation.md).

ApplyGuardrail is a bedrock-runtime operation, so BedrockDouble serves it on the same server as
InvokeModel and Converse: `POST /guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply`.
bedrock.py routes, records and authenticates the request; everything else is here, mixed into the
double by `GuardrailMixin`.

The double plays one fictional guardrail configuration for every registered id: content filters
at HIGH strength (text and image) and a custom word list. Controls on the double:
* `guardrails: set[str]`             - the guardrail ids that exist (an ARN resolves to its id);
  any other id -> 404 ResourceNotFoundException. Every version of a registered id exists.
* `guardrail_blocked_terms: set[str]` - a guarded text block containing one (case-insensitive)
  -> GUARDRAIL_INTERVENED with a wordPolicy.customWords entry per matched term;
* `guardrail_image_verdict: str`      - "clean" (default) or "block": image blocks -> a BLOCKED
  contentPolicy filter of type `guardrail_image_filter` (default "SEXUAL") at the confidence
  band `guardrail_image_confidence` (LOW, MEDIUM or HIGH; default HIGH);
* `guardrail_pii: dict[str, str]`     - sensitive-information filters: a PII type of PII_PATTERNS
  (EMAIL, PHONE, US_SOCIAL_SECURITY_NUMBER) -> its action, "BLOCKED" or "ANONYMIZED";
* `guardrail_regexes: dict[str, tuple[str, str]]` - custom regex filters: name -> (pattern,
  action). A match is reported under sensitiveInformationPolicy (piiEntities or regexes) with
  that action; an ANONYMIZED match is masked as `{TYPE}` or `{name}` in the answer's outputs;
* `guardrail_blocked_message: str`    - the text of `outputs` when the guardrail blocks;
* `guardrail_latency: float`          - seconds added to every ApplyGuardrail answer
  (`latency`, `rpm` and `fault_rate` of the double apply to model calls only);
* `guardrail_region: str | None`      - the Region the registered guardrails were created in
  (None, the default: the Region of each request, as for a guardrail made where Atelier runs);
* scripted outcomes: `double.script("guardrail:<id>", throttle(), server_error(503), delay(2))`;
  "guardrail:<id>:INPUT" / "guardrail:<id>:OUTPUT" script one source only (tried first), and
  "guardrail:*" (or "guardrail:*:OUTPUT") any guardrail (tried last). Only the errors
  ApplyGuardrail declares are allowed, plus delay().

Order of checks: route -> record -> auth and Region (403) -> scripted error -> identifier and
version (400) -> registered id in the Region (404) -> body (400) -> image filters in the Region
(400) -> assessment -> latency and delay -> answer.

Guardrails are Regional resources: the Region is the request's (its SigV4 credential scope, as
for model calls). A guardrail is found only in its own Region: a registered id called from
another Region than `guardrail_region`, or an ARN naming another Region than the request's, is
answered 404 like an unknown id. Image blocks are refused (400) outside IMAGE_FILTER_REGIONS,
the Regions AWS documents image content filters in.

Decisions where AWS's documentation of ApplyGuardrail is silent (all wording here is INVENTED
unless marked):
* the registered-id lookup (404) comes before body validation, as the double does for models;
* body violations use Coral's "N validation error(s) detected: Value .. at 'content.1.member..'"
  frame (shared with bedrock_converse.py); wrong JSON types and unknown members raise at once;
* image blocks: the bytes must decode as an image of the declared format; at most 20 images,
  4 MiB (4,194,304 bytes) and 8000 px per side [GR-MM, "4 MB" read as MiB]. No text length cap
  is enforced: none is documented;
* text blocks qualified only as grounding_source/query are not guarded (they feed contextual
  grounding, which this guardrail does not configure) but count in the text coverage total;
* usage: one text unit per started 1,000 guarded characters per text block, charged to the
  content and word policies; one contentPolicyImageUnit per image; the other units are 0;
* the 404 for a guardrail of another Region and the 400 for image blocks where image filters are
  not offered (the real service may refuse differently; no capture exists);
* a guardrail that only masks (ANONYMIZED, nothing BLOCKED) intervenes with one output per
  guarded text block, the block's text masked; the PII patterns are the double's own;
* a clean answer has action NONE, no actionReason, `outputs: []` and one assessment holding only
  invocationMetrics (plus appliedGuardrailDetails); an intervention has actionReason
  "Guardrail blocked."; outputScope FULL adds the non-detected content filters (detected false).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from tests.fakes.bedrock_converse import coral, typed, union, violation
from tests.fakes.bedrock_outcomes import ERRORS, OK, Outcome
from tests.fakes.bedrock_schema import ApiError, validation

ROUTE = re.compile(r"/guardrail/([^/]*)/version/([^/]*)/apply")
KEY = "guardrail:"  # the script and record key of a guardrail: "guardrail:<identifier>"
IDENTIFIER = re.compile(r"(|([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:"
                        r"guardrail/[a-z0-9]+))")
VERSION = re.compile(r"(|([1-9][0-9]{0,7})|(DRAFT))")
MEMBERS = frozenset({"source", "content", "outputScope"})
SOURCES = ("INPUT", "OUTPUT")
SCOPES = ("INTERVENTIONS", "FULL")
QUALIFIERS = ("grounding_source", "query", "guard_content")
FORMATS = ("png", "jpeg")
FILTER_TYPES = ("INSULTS", "HATE", "SEXUAL", "VIOLENCE", "MISCONDUCT", "PROMPT_ATTACK")
VERDICTS = ("clean", "block")
BANDS = ("LOW", "MEDIUM", "HIGH")  # the confidence of a detected filter (NONE: not detected)
MAX_IMAGES = 20
MAX_IMAGE_BYTES = 4 * 1024 * 1024
MAX_IMAGE_SIDE = 8000
IMAGE_FILTER_REGIONS = frozenset({"us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1"})
NO_IMAGE_FILTERS = ("Image content is not supported by guardrails in {region}. Remove the image "
                    "blocks, or call a Region where guardrail image filters are available.")
PII_PATTERNS = {"EMAIL": r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "PHONE": r"\+?\d[\d ()-]{7,}\d",
                "US_SOCIAL_SECURITY_NUMBER": r"\b\d{3}-\d{2}-\d{4}\b"}
PII_ACTIONS = ("BLOCKED", "ANONYMIZED")
BLOCKED_MESSAGE = "Sorry, the model cannot answer this question."  # the console default
ACCOUNT = "123456789012"
# The scriptable outcomes: ApplyGuardrail declares AccessDenied, ResourceNotFound, Throttling,
# InternalServer, ServiceUnavailable, Validation and ServiceQuotaExceeded (its API's error list).
OUTCOMES = frozenset({"ok", "delay", "throttle", "server_error_500", "server_error_503",
                      "access_denied", "quota_exceeded"})
NOT_FOUND = ("The guardrail {id} (version {version}) was not found. [BedrockDouble: register the "
             "id in double.guardrails. The double serves POST /model/{{modelId}}/invoke, POST "
             "/model/{{modelId}}/converse and POST /guardrail/{{guardrailIdentifier}}/version/"
             "{{guardrailVersion}}/apply]")
DENIED = ("User: arn:aws:iam::{account}:user/testing is not authorized to perform: "
          "bedrock:ApplyGuardrail on resource: {arn} because no identity-based policy allows "
          "the bedrock:ApplyGuardrail action")


def check_outcomes(outcomes: Iterable[Outcome]) -> None:
    """Refuse, when scripted, an outcome ApplyGuardrail cannot produce."""
    for outcome in outcomes:
        if outcome.kind not in OUTCOMES:
            raise ValueError(f"{outcome.kind}() is not an ApplyGuardrail outcome; use one of "
                             f"{sorted(OUTCOMES)}")


def parse(raw: bytes) -> tuple[Any, str | None]:
    """The JSON body, or a refusal message (INVENTED wording) when it is not JSON."""
    try:
        return json.loads(raw or b"null"), None
    except (ValueError, UnicodeDecodeError) as error:
        return None, f"Unable to parse the request body as JSON: {error}"


def bare_id(identifier: str) -> str:
    """The guardrail id of an identifier (an id, or an ARN ending in guardrail/<id>)."""
    return identifier.rsplit("/", 1)[-1] if identifier.startswith("arn:") else identifier


@dataclass
class Request:
    """What a valid ApplyGuardrail body asks for."""

    source: str
    scope: str
    guarded: list[str] = field(default_factory=list)  # the text blocks the policies look at
    total_chars: int = 0  # every text block, guarded or not
    images: list[Image.Image] = field(default_factory=list)


def validate(body: Any) -> Request:
    """Validate an ApplyGuardrail body; raise ApiError (400) on the first refusal."""
    typed(body, dict, "request")
    for key in body:
        if key not in MEMBERS:  # INVENTED wording
            raise validation(f"Unknown member '{key}' in the ApplyGuardrail request body.")
    errors: list[str] = []
    for name, values in (("source", SOURCES), ("outputScope", SCOPES)):
        if body.get(name) is None:
            if name == "source":
                errors.append(violation(None, name, "Member must not be null"))
            continue
        typed(body[name], str, name)
        if body[name] not in values:
            errors.append(violation(body[name], name, "Member must satisfy enum value set: "
                                                      f"[{', '.join(values)}]"))
    content = body.get("content")
    if content is None:
        errors.append(violation(None, "content", "Member must not be null"))
        content = []
    typed(content, list, "content")
    request = Request(body.get("source", ""), body.get("outputScope", "INTERVENTIONS"))
    images: list[tuple[str, dict]] = []
    for i, block in enumerate(content, 1):
        path = f"content.{i}.member"
        kind = union(block, path, frozenset({"text", "image"}))
        if kind == "text":
            text = _text_block(block["text"], f"{path}.text", errors)
            if text is not None:
                guarded, value = text
                request.total_chars += len(value)
                if guarded:
                    request.guarded.append(value)
        elif _image_block(block["image"], f"{path}.image", errors):
            images.append((path, block["image"]))
    if errors:
        raise coral(errors)
    if len(images) > MAX_IMAGES:  # INVENTED wording
        raise validation(f"The request contains {len(images)} images. A guardrail evaluates at "
                         f"most {MAX_IMAGES} images per request.")
    request.images = [_decode(image, path) for path, image in images]
    return request


def _text_block(block: Any, path: str, errors: list[str]) -> tuple[bool, str] | None:
    """(guarded?, text) of a text block, or None when it has errors (appended)."""
    typed(block, dict, path)
    for key in block:
        if key not in ("text", "qualifiers"):  # INVENTED wording
            raise validation(f"Unknown member '{key}' at '{path}'.")
    qualifiers = block.get("qualifiers", [])
    typed(qualifiers, list, f"{path}.qualifiers")
    bad = False
    for j, qualifier in enumerate(qualifiers, 1):
        typed(qualifier, str, f"{path}.qualifiers.{j}.member")
        if qualifier not in QUALIFIERS:
            bad = True
            errors.append(violation(qualifier, f"{path}.qualifiers.{j}.member", "Member must "
                                    f"satisfy enum value set: [{', '.join(QUALIFIERS)}]"))
    if "text" not in block:
        errors.append(violation(None, f"{path}.text", "Member must not be null"))
        return None
    typed(block["text"], str, f"{path}.text")
    if bad:
        return None
    guarded = not qualifiers or "guard_content" in qualifiers
    return guarded, block["text"]


def _image_block(image: Any, path: str, errors: list[str]) -> bool:
    """Check an image block's shape; True when its bytes are to be decoded."""
    typed(image, dict, path)
    for key in image:
        if key not in ("format", "source"):  # INVENTED wording
            raise validation(f"Unknown member '{key}' at '{path}'.")
    for key in ("format", "source"):
        if key not in image:
            errors.append(violation(None, f"{path}.{key}", "Member must not be null"))
    if "format" in image and image["format"] not in FORMATS:
        errors.append(violation(image["format"], f"{path}.format", "Member must satisfy enum "
                                f"value set: [{', '.join(FORMATS)}]"))
    if "source" not in image:
        return False
    union(image["source"], f"{path}.source", frozenset({"bytes"}))
    data = image["source"]["bytes"]
    typed(data, str, f"{path}.source.bytes")
    if not data:
        errors.append(violation("", f"{path}.source.bytes",
                                "Member must have length greater than or equal to 1"))
        return False
    return "format" in image


def _decode(image: dict, path: str) -> Image.Image:
    where = f"{path}.image.source.bytes"
    try:
        raw = base64.b64decode(image["source"]["bytes"], validate=True)
    except (binascii.Error, ValueError):  # INVENTED wording (boto3 always sends valid base64)
        raise validation(f"The value at '{where}' is not valid base64.") from None
    if len(raw) > MAX_IMAGE_BYTES:  # INVENTED wording
        raise validation(f"The image at '{where}' is {len(raw)} bytes; the maximum image size "
                         f"is {MAX_IMAGE_BYTES} bytes.")
    try:
        decoded = Image.open(io.BytesIO(raw))
        decoded.load()
    except Exception:
        decoded = None
    if decoded is None or (decoded.format or "").lower() != image["format"]:  # INVENTED wording
        raise validation(f"The image at '{where}' could not be decoded as {image['format']}. "
                         "Check the image bytes and the format field, and try again.")
    w, h = decoded.size
    if max(w, h) > MAX_IMAGE_SIDE:  # INVENTED wording
        raise validation(f"The image at '{where}' is {w}x{h} pixels; images can be at most "
                         f"{MAX_IMAGE_SIDE}x{MAX_IMAGE_SIDE} pixels.")
    return decoded


def _units(texts: list[str]) -> int:
    return sum(max(1, math.ceil(len(text) / 1000)) for text in texts if text)


class GuardrailMixin:
    """ApplyGuardrail for BedrockDouble: the controls and the answer."""

    guardrails: set[str]
    guardrail_blocked_terms: set[str]
    guardrail_image_verdict: str
    guardrail_image_filter: str
    guardrail_image_confidence: str
    guardrail_pii: dict[str, str]
    guardrail_regexes: dict[str, tuple[str, str]]
    guardrail_blocked_message: str
    guardrail_latency: float
    guardrail_region: str | None
    _lock: threading.Lock
    _scripts: dict[str, deque[Outcome]]
    _stopping: threading.Event

    def _guardrail_setup(self) -> None:
        self.guardrails = set()
        self.guardrail_blocked_terms = set()
        self.guardrail_image_verdict = "clean"
        self.guardrail_image_filter = "SEXUAL"
        self.guardrail_image_confidence = "HIGH"
        self.guardrail_pii = {}
        self.guardrail_regexes = {}
        self.guardrail_blocked_message = BLOCKED_MESSAGE
        self.guardrail_latency = 0.0
        self.guardrail_region = None

    def _apply_guardrail(self, identifier: str, version: str, body: Any, problem: str | None,
                         started: float, region: str) -> dict:
        source = body.get("source") if isinstance(body, dict) else None
        outcome = self._guardrail_outcome(identifier, source if source in SOURCES else None)
        arn = self._guardrail_arn(identifier, region)
        if outcome.kind == "access_denied":
            raise ApiError(403, "AccessDeniedException", DENIED.format(account=ACCOUNT, arn=arn))
        if outcome.kind in ERRORS:
            status, code, message = ERRORS[outcome.kind]
            raise ApiError(status, code, message)
        errors = []
        for name, value, pattern, top in (("guardrailIdentifier", identifier, IDENTIFIER, 2048),
                                          ("guardrailVersion", version, VERSION, None)):
            if not value:  # the model allows "", but the URI label is required
                errors.append(violation("", name, "Member must have length greater than or "
                                                  "equal to 1"))
            elif top is not None and len(value) > top:
                errors.append(violation(value, name, f"Member must have length less than or "
                                                     f"equal to {top}"))
            elif not pattern.fullmatch(value):
                errors.append(violation(value, name, "Member must satisfy regular expression "
                                                     f"pattern: {pattern.pattern}"))
        if errors:
            raise coral(errors)
        if bare_id(identifier) not in self.guardrails or not self._guardrail_in(arn, region):
            raise ApiError(404, "ResourceNotFoundException",
                           NOT_FOUND.format(id=identifier, version=version))
        if problem is not None:
            raise validation(problem)
        request = validate(body)
        if request.images and region not in IMAGE_FILTER_REGIONS:
            raise validation(NO_IMAGE_FILTERS.format(region=region))
        answer = self._assess(request, identifier, version, arn)
        seconds = self.guardrail_latency + (outcome.seconds if outcome.kind == "delay" else 0.0)
        if seconds > 0:
            self._stopping.wait(seconds)
        latency = int((time.monotonic() - started) * 1000)
        for assessment in answer["assessments"]:
            assessment["invocationMetrics"]["guardrailProcessingLatency"] = latency
        return answer

    def _guardrail_outcome(self, identifier: str, source: str | None) -> Outcome:
        """The next scripted outcome: "guardrail:<identifier>:<source>", "guardrail:<identifier>",
        the same for the bare id of an ARN, then "guardrail:*:<source>" and "guardrail:*"."""
        names = dict.fromkeys((identifier, bare_id(identifier), "*"))
        keys = [f"{KEY}{name}{suffix}" for name in names
                for suffix in ((f":{source}", "") if source else ("",))]
        with self._lock:
            for key in keys:
                if self._scripts.get(key):
                    return self._scripts[key].popleft()
        return OK

    @staticmethod
    def _guardrail_arn(identifier: str, region: str) -> str:
        if identifier.startswith("arn:"):
            return identifier
        return f"arn:aws:bedrock:{region}:{ACCOUNT}:guardrail/{identifier}"

    def _guardrail_in(self, arn: str, region: str) -> bool:
        """Is the guardrail of `arn` one this Region holds (its ARN's Region is the request's, and
        that is where the registered guardrails were made)?"""
        home = arn.split(":")[3]
        return home == region and self.guardrail_region in (None, region)

    def _assess(self, request: Request, identifier: str, version: str, arn: str) -> dict:
        if self.guardrail_image_verdict not in VERDICTS:
            raise ValueError(f"guardrail_image_verdict must be one of {VERDICTS}")
        if self.guardrail_image_filter not in FILTER_TYPES:
            raise ValueError(f"guardrail_image_filter must be one of {FILTER_TYPES}")
        if self.guardrail_image_confidence not in BANDS:
            raise ValueError(f"guardrail_image_confidence must be one of {BANDS}")
        words: dict[str, dict] = {}
        for text in request.guarded:
            for term in sorted(self.guardrail_blocked_terms):
                found = re.search(re.escape(term), text, re.IGNORECASE)
                if found and term.lower() not in words:
                    words[term.lower()] = {"match": found[0], "action": "BLOCKED",
                                           "detected": True}
        sensitive, masked = self._sensitive(request.guarded)
        image_blocked = bool(request.images) and self.guardrail_image_verdict == "block"
        filters = []
        if image_blocked:
            filters.append({"type": self.guardrail_image_filter,
                            "confidence": self.guardrail_image_confidence,
                            "filterStrength": "HIGH", "action": "BLOCKED", "detected": True})
        if request.scope == "FULL":
            filters += [{"type": kind, "confidence": "NONE", "filterStrength": "HIGH",
                         "action": "NONE", "detected": False}
                        for kind in FILTER_TYPES if not image_blocked
                        or kind != self.guardrail_image_filter]
        text_units = _units(request.guarded)
        usage = {"topicPolicyUnits": 0, "contentPolicyUnits": text_units,
                 "wordPolicyUnits": text_units,
                 "sensitiveInformationPolicyUnits":
                     text_units if self.guardrail_pii or self.guardrail_regexes else 0,
                 "sensitiveInformationPolicyFreeUnits": 0, "contextualGroundingPolicyUnits": 0,
                 "contentPolicyImageUnits": len(request.images)}
        coverage: dict[str, dict[str, int]] = {}
        if request.total_chars:
            coverage["textCharacters"] = {"guarded": sum(map(len, request.guarded)),
                                          "total": request.total_chars}
        if request.images:
            coverage["images"] = {"guarded": len(request.images), "total": len(request.images)}
        assessment: dict[str, Any] = {}
        if words:
            assessment["wordPolicy"] = {"customWords": list(words.values()),
                                        "managedWordLists": []}
        if filters:
            assessment["contentPolicy"] = {"filters": filters}
        if any(sensitive.values()):
            assessment["sensitiveInformationPolicy"] = sensitive
        assessment["invocationMetrics"] = {"guardrailProcessingLatency": 0, "usage": dict(usage),
                                           "guardrailCoverage": coverage}
        assessment["appliedGuardrailDetails"] = {
            "guardrailId": bare_id(identifier), "guardrailVersion": version, "guardrailArn": arn,
            "guardrailOrigin": ["REQUEST"], "guardrailOwnership": "SELF"}
        found = [item for items in sensitive.values() for item in items]
        blocked = (bool(words) or image_blocked
                   or any(item["action"] == "BLOCKED" for item in found))
        intervened = blocked or bool(found)
        answer: dict[str, Any] = {"usage": usage,
                                  "action": "GUARDRAIL_INTERVENED" if intervened else "NONE"}
        if intervened:
            answer["actionReason"] = "Guardrail blocked." if blocked else "Guardrail masked."
        answer["outputs"] = ([{"text": self.guardrail_blocked_message}] if blocked
                             else [{"text": text} for text in masked] if found else [])
        answer["assessments"] = [assessment]
        answer["guardrailCoverage"] = coverage
        return answer

    def _sensitive(self, texts: list[str]) -> tuple[dict[str, list[dict]], list[str]]:
        """The sensitiveInformationPolicy assessment of the guarded texts (its piiEntities and
        regexes found), and the texts with every ANONYMIZED match masked."""
        filters = [("piiEntities", "type", kind, PII_PATTERNS[kind], action)
                   for kind, action in self.guardrail_pii.items()]
        filters += [("regexes", "name", name, pattern, action)
                    for name, (pattern, action) in self.guardrail_regexes.items()]
        found: dict[str, list[dict]] = {"piiEntities": [], "regexes": []}
        masked = []
        for text in texts:
            for group, key, name, pattern, action in filters:
                if action not in PII_ACTIONS:
                    raise ValueError(f"the action of {name} must be one of {PII_ACTIONS}")
                for match in re.finditer(pattern, text):
                    item = {"match": match[0], key: name, "action": action, "detected": True}
                    found[group].append(item | ({"regex": pattern} if key == "name" else {}))
                if action == "ANONYMIZED":
                    text = re.sub(pattern, "{" + name + "}", text)
            masked.append(text)
        return found, masked
