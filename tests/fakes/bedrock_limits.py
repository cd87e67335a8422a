"""The limits Bedrock Runtime's front end enforces before a model sees a request: the InvokeModel
body size and headers, and the Converse members a model does not read itself.

boto3 checks only minimums, required members and types before it sends (not maximums, enums or
patterns), so a bad value reaches the service and comes back as a ValidationException. The limits
here are read from botocore's service model for bedrock-runtime (its contract), not restated, and
refusals use Coral's frame: "N validation error(s) detected: Value '<v>' at '<member>' failed to
satisfy constraint: <constraint>", joined by "; ". Members the model marks sensitive (the body,
X-Amzn-Bedrock-Request-Metadata, requestMetadata) are named without their value, as Coral does.

Decisions where no capture exists:
* Content-Type and Accept are optional; when sent, InvokeModel takes `application/json` (any
  parameters ignored) and Accept also `*/*`. The Content-Type refusal is captured; the Accept one
  is worded by analogy.
* Map constraints are worded "Map keys must satisfy constraint: [...]" / "Map value must satisfy
  constraint: [...]" listing every constraint of the key or value shape (recalled, not captured).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from botocore.loaders import Loader

from tests.fakes.bedrock_schema import ApiError, validation

MODEL = Loader().load_service_model("bedrock-runtime", "service-2", "2023-09-30")
SHAPES: dict[str, dict[str, Any]] = MODEL["shapes"]
INVOKE_MEMBERS: dict[str, dict[str, Any]] = SHAPES["InvokeModelRequest"]["members"]
CONVERSE_MEMBERS: dict[str, dict[str, Any]] = SHAPES["ConverseRequest"]["members"]
# The Converse members checked here; bedrock_converse.py checks messages, system,
# inferenceConfig, performanceConfig and serviceTier with the wording captured for them.
CONVERSE_CHECKED = ("additionalModelResponseFieldPaths", "requestMetadata", "projectIdentifier",
                    "guardrailConfig")
BODY_MAX: int = SHAPES["Body"]["max"]
JSON = "application/json"
CONTENT_TYPE_REFUSED = "The provided Content Type is invalid or not supported for this model"
ACCEPT_REFUSED = "The provided Accept Type is invalid or not supported for this model"


def coral(errors: list[str]) -> ApiError:
    plural = "s" if len(errors) > 1 else ""
    return validation(f"{len(errors)} validation error{plural} detected: " + "; ".join(errors))


def violation(value: Any, path: str, constraint: str, *, sensitive: bool = False) -> str:
    shown = "" if sensitive else ("null " if value is None else f"'{_java(value)}' ")
    return f"Value {shown}at '{path}' failed to satisfy constraint: {constraint}"


def _java(value: Any) -> str:
    """A value as Coral prints it (Java's toString of lists and maps)."""
    if isinstance(value, list):
        return "[" + ", ".join(map(_java, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_java(item)}" for key, item in value.items()) + "}"
    return str(value)


def _constraints(shape: dict[str, Any]) -> list[str]:
    """Every constraint of a string shape, in Coral's words (for map keys and values)."""
    said = []
    if "max" in shape:
        said.append(f"Member must have length less than or equal to {shape['max']}")
    if "min" in shape:
        said.append(f"Member must have length greater than or equal to {shape['min']}")
    if "pattern" in shape:
        said.append(f"Member must satisfy regular expression pattern: {shape['pattern']}")
    if "enum" in shape:
        said.append(f"Member must satisfy enum value set: [{', '.join(shape['enum'])}]")
    return said


def _broken(value: Any, shape: dict[str, Any]) -> list[str]:
    """The constraints of `shape` that `value` breaks (strings, lists and maps)."""
    broken = []
    if isinstance(value, (str, list, dict)):
        if "max" in shape and len(value) > shape["max"]:
            broken.append(f"Member must have length less than or equal to {shape['max']}")
        if "min" in shape and len(value) < shape["min"]:
            broken.append(f"Member must have length greater than or equal to {shape['min']}")
    if isinstance(value, str):
        if "pattern" in shape and not re.fullmatch(shape["pattern"], value):
            broken.append(f"Member must satisfy regular expression pattern: {shape['pattern']}")
        if "enum" in shape and value not in shape["enum"]:
            broken.append(f"Member must satisfy enum value set: [{', '.join(shape['enum'])}]")
    return broken


def check(value: Any, shape_name: str, path: str, errors: list[str],
          sensitive: bool = False) -> None:
    """Append the violations of `value` against a botocore shape, walking structures, lists and
    maps (wrong JSON types are left to the caller's own checks)."""
    shape = SHAPES[shape_name]
    sensitive = sensitive or bool(shape.get("sensitive"))
    errors += [violation(value, path, c, sensitive=sensitive) for c in _broken(value, shape)]
    kind = shape["type"]
    if kind == "structure" and isinstance(value, dict) and not shape.get("document"):
        for name, member in shape.get("members", {}).items():
            if value.get(name) is not None:
                check(value[name], member["shape"], f"{path}.{name}", errors, sensitive)
    elif kind == "list" and isinstance(value, list):
        for i, item in enumerate(value, 1):
            check(item, shape["member"]["shape"], f"{path}.{i}.member", errors, sensitive)
    elif kind == "map" and isinstance(value, dict):
        for part, items in (("keys", list(value)), ("value", list(value.values()))):
            inner = SHAPES[shape["key" if part == "keys" else "value"]["shape"]]
            if any(_broken(item, inner) for item in items):
                errors.append(violation(value, path, f"Map {part} must satisfy constraint: "
                                        f"[{', '.join(_constraints(inner))}]",
                                        sensitive=sensitive))


def check_invoke(headers: Mapping[str, str], body_length: int) -> None:
    """InvokeModel's body size and header members; `headers` has lower-case names."""
    errors = []
    if body_length > BODY_MAX:
        errors.append(violation(None, "body", "Member must have length less than or equal to "
                                f"{BODY_MAX}", sensitive=True))
    for name, member in INVOKE_MEMBERS.items():
        if member.get("location") != "header" or name in ("contentType", "accept"):
            continue
        value = headers.get(member["locationName"].lower())
        if value is not None:
            check(value, member["shape"], name, errors)
    if errors:
        raise coral(errors)
    if _media(headers.get("content-type")) not in (None, JSON):
        raise validation(CONTENT_TYPE_REFUSED)
    if _media(headers.get("accept")) not in (None, JSON, "*/*"):
        raise validation(ACCEPT_REFUSED)


def check_converse(body: Mapping[str, Any], errors: list[str]) -> None:
    """Append the violations of the Converse members in CONVERSE_CHECKED."""
    for name in CONVERSE_CHECKED:
        if body.get(name) is not None:
            check(body[name], CONVERSE_MEMBERS[name]["shape"], name, errors)


def _media(header: str | None) -> str | None:
    return None if header is None else header.split(";", 1)[0].strip().lower()
