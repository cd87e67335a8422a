"""The Bedrock double enforces the limits the service checks and boto3 does not: the InvokeModel
body size, the values of its enum and pattern headers, Content-Type and Accept, and the lengths
and patterns of Converse's members. Each bad request goes through the real boto3 client."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

NOVA = "amazon.nova-canvas-v1:0"
OMNI = "us.amazon.nova-2-omni-v1:0"
BODY = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a red fox"}}
MAX_BODY = 25_000_000
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
METADATA = r"[a-zA-Z0-9\s:_@$#=/+,-.]"


@pytest.fixture
def runtime(bedrock_double: Any) -> Any:
    return boto3.session.Session().client("bedrock-runtime", region_name="us-east-1",
                                          config=NO_RETRIES)


def refused(call: Any, **options: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**options)
    response = caught.value.response
    assert response["Error"]["Code"] == "ValidationException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Message"]


def one(member: str, constraint: str, value: str | None = None) -> str:
    shown = "" if value is None else f"'{value}' "
    return (f"1 validation error detected: Value {shown}at '{member}' failed to satisfy "
            f"constraint: {constraint}")


def invoke(runtime: Any, body: bytes | None = None, **headers: Any) -> Any:
    return runtime.invoke_model(modelId=NOVA, body=json.dumps(BODY) if body is None else body,
                                **headers)


def padded(size: int) -> bytes:
    """A valid Nova body of exactly `size` bytes (JSON allows trailing whitespace)."""
    text = json.dumps(BODY).encode()
    return text + b" " * (size - len(text))


# --- InvokeModel: the body ------------------------------------------------------------------

def test_a_body_over_25_000_000_bytes_is_refused(runtime, bedrock_double):
    assert refused(invoke, runtime=runtime, body=padded(MAX_BODY + 1)) == one(
        "body", f"Member must have length less than or equal to {MAX_BODY}")


def test_a_body_of_exactly_25_000_000_bytes_is_served(runtime):
    answer = invoke(runtime, padded(MAX_BODY))
    assert json.loads(answer["body"].read())["images"]


# --- InvokeModel: headers --------------------------------------------------------------------

BAD_HEADERS = [
    ("trace", "ON", "Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_FULL]"),
    ("performanceConfigLatency", "fast",
     "Member must satisfy enum value set: [standard, optimized]"),
    ("serviceTier", "gold", "Member must satisfy enum value set: [priority, default, flex, "
                            "reserved]"),
    ("guardrailIdentifier", "My_Guardrail", "Member must satisfy regular expression pattern: "
     "(|([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))"),
    ("guardrailVersion", "v1",
     "Member must satisfy regular expression pattern: (|([1-9][0-9]{0,7})|(DRAFT))"),
    ("projectIdentifier", "my project", "Member must satisfy regular expression pattern: "
     "([a-zA-Z0-9_-]+|arn:aws(|-us-gov|-cn|-iso|-iso-b|-iso-f|-eusc):bedrock:[0-9a-z-]{1,20}:"
     "[0-9]{12}:project/[a-zA-Z0-9_-]+)"),
]
GOOD_HEADERS: dict[str, Any] = {
    "trace": "ENABLED_FULL", "performanceConfigLatency": "optimized", "serviceTier": "flex",
    "guardrailIdentifier": "gr1abc", "guardrailVersion": "DRAFT",
    "projectIdentifier": "atelier-prod", "requestMetadata": json.dumps({"tenant": "acme"})}


@pytest.mark.parametrize(("member", "value", "constraint"), BAD_HEADERS,
                         ids=[member for member, _, _ in BAD_HEADERS])
def test_a_header_outside_its_enum_or_pattern_is_refused(runtime, member, value, constraint):
    assert refused(invoke, runtime=runtime, **{member: value}) == one(member, constraint, value)


def test_request_metadata_over_8500_characters_is_refused_without_echoing_it(runtime):
    message = refused(invoke, runtime=runtime, requestMetadata="x" * 8501)
    assert message == one("requestMetadata", "Member must have length less than or equal to "
                                             "8500")


def test_several_bad_headers_are_reported_together(runtime):
    message = refused(invoke, runtime=runtime, trace="ON", serviceTier="gold")
    assert message.startswith("2 validation errors detected: Value 'ON' at 'trace' ")
    assert "; Value 'gold' at 'serviceTier' " in message


def test_valid_headers_are_served_and_echoed(runtime, bedrock_double):
    answer = invoke(runtime, **GOOD_HEADERS)
    assert json.loads(answer["body"].read())["images"]
    assert answer["performanceConfigLatency"] == "optimized"
    assert bedrock_double.requests[-1].headers["x-amzn-bedrock-trace"] == "ENABLED_FULL"


@pytest.mark.parametrize(("header", "value", "message"), [
    ("contentType", "text/plain",
     "The provided Content Type is invalid or not supported for this model"),
    ("contentType", "application/x-www-form-urlencoded",
     "The provided Content Type is invalid or not supported for this model"),
    ("accept", "image/png", "The provided Accept Type is invalid or not supported for this model"),
])
def test_content_type_and_accept_other_than_json_are_refused(runtime, header, value, message):
    assert refused(invoke, runtime=runtime, **{header: value}) == message


@pytest.mark.parametrize("headers", [
    {}, {"contentType": "application/json", "accept": "application/json"},
    {"contentType": "application/json; charset=utf-8", "accept": "*/*"},
], ids=["omitted", "json", "json-with-charset-and-any"])
def test_json_content_type_and_accept_are_served(runtime, headers):
    assert json.loads(invoke(runtime, **headers)["body"].read())["images"]


# --- Converse: members the service checks ---------------------------------------------------

def converse(runtime: Any, **members: Any) -> Any:
    return runtime.converse(modelId=OMNI, messages=[
        {"role": "user", "content": [{"text": "a red fox"}]}], **members)


def map_constraint(part: str, key_min: int) -> str:
    return (f"Map {part} must satisfy constraint: [Member must have length less than or equal "
            f"to 256, Member must have length greater than or equal to {key_min}, Member must "
            f"satisfy regular expression pattern: {METADATA}{{{key_min},256}}]")


@pytest.mark.parametrize(("members", "message"), [
    ({"requestMetadata": {f"k{i}": "v" for i in range(17)}},
     one("requestMetadata", "Member must have length less than or equal to 16")),
    ({"requestMetadata": {"tenant!": "acme"}}, one("requestMetadata", map_constraint("keys", 1))),
    ({"requestMetadata": {"tenant": "a" * 257}},
     one("requestMetadata", map_constraint("value", 0))),
    ({"requestMetadata": {"tenant": "acme;drop"}},
     one("requestMetadata", map_constraint("value", 0))),
    ({"additionalModelResponseFieldPaths": [f"/p{i}" for i in range(11)]},
     one("additionalModelResponseFieldPaths", "Member must have length less than or equal to 10",
         "[" + ", ".join(f"/p{i}" for i in range(11)) + "]")),
    ({"additionalModelResponseFieldPaths": ["/" + "p" * 256]},
     one("additionalModelResponseFieldPaths.1.member",
         "Member must have length less than or equal to 256", "/" + "p" * 256)),
    ({"projectIdentifier": "my project"},
     one("projectIdentifier", "Member must satisfy regular expression pattern: "
         "([a-zA-Z0-9_-]+|arn:aws(|-us-gov|-cn|-iso|-iso-b|-iso-f|-eusc):bedrock:[0-9a-z-]{1,20}:"
         "[0-9]{12}:project/[a-zA-Z0-9_-]+)", "my project")),
    ({"projectIdentifier": "p" * 2049},
     one("projectIdentifier", "Member must have length less than or equal to 2048", "p" * 2049)),
    ({"guardrailConfig": {"guardrailIdentifier": "gr1", "guardrailVersion": "1", "trace": "on"}},
     one("guardrailConfig.trace", "Member must satisfy enum value set: [enabled, disabled, "
                                  "enabled_full]", "on")),
    ({"guardrailConfig": {"guardrailIdentifier": "GR-1", "guardrailVersion": "1"}},
     one("guardrailConfig.guardrailIdentifier", "Member must satisfy regular expression "
         "pattern: (|([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:"
         "guardrail/[a-z0-9]+))", "GR-1")),
], ids=["metadata-entries", "metadata-key-pattern", "metadata-value-length",
        "metadata-value-pattern", "paths-count", "path-length", "project-pattern",
        "project-length", "guardrail-trace", "guardrail-identifier"])
def test_converse_members_over_their_limits_are_refused(runtime, members, message):
    assert refused(converse, runtime=runtime, **members) == message


def test_converse_members_within_their_limits_are_served(runtime):
    answer = converse(
        runtime, requestMetadata={f"key {i}": "v@1:=/+,-." for i in range(16)},
        additionalModelResponseFieldPaths=[f"/p{i}" for i in range(10)],
        projectIdentifier="atelier_prod-1",
        guardrailConfig={"guardrailIdentifier": "gr1", "guardrailVersion": "DRAFT",
                         "trace": "enabled"})
    assert answer["stopReason"] == "end_turn"
