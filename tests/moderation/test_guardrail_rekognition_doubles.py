"""The ApplyGuardrail route of the Bedrock double and the Rekognition double, driven by the real
boto3 clients (tests/fakes/bedrock_guardrail.py, tests/fakes/rekognition.py). No database."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError

from tests.fakes import bedrock_outcomes as out
from tests.fakes import rekognition as rek
from tests.fakes.bedrock import BedrockDouble, bedrock_double  # noqa: F401
from tests.fakes.rekognition import RekognitionDouble, label, rekognition_double  # noqa: F401
from tests.helpers import png_bytes

GR = "k9wd5nxy8bxr"
ARN = f"arn:aws:bedrock:us-east-1:123456789012:guardrail/{GR}"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
UNCHECKED = Config(retries={"mode": "standard", "total_max_attempts": 1},
                   parameter_validation=False)
SIGV4 = ("AWS4-HMAC-SHA256 Credential=testing/20261125/us-east-1/{service}/aws4_request, "
         "SignedHeaders=host;x-amz-date, Signature=0123abcd")


def picture(w: int = 96, h: int = 96, fmt: str = "PNG") -> bytes:
    return png_bytes((w, h), (200, 40, 40), fmt=fmt)


def make_client(service: str, config: Config = NO_RETRIES) -> Any:
    """A fresh session every time: boto3's default session caches credentials across tests."""
    return boto3.session.Session().client(service, region_name="us-east-1", config=config)


def code_of(error: ClientError) -> tuple[str, int]:
    return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]


def raw_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# --- ApplyGuardrail ---------------------------------------------------------------------------

@pytest.fixture
def double(bedrock_double: BedrockDouble) -> BedrockDouble:  # noqa: F811
    bedrock_double.guardrails.add(GR)
    return bedrock_double


@pytest.fixture
def runtime(double: BedrockDouble) -> Any:
    return make_client("bedrock-runtime")


def text(value: str, *qualifiers: str) -> dict:
    block: dict = {"text": value}
    if qualifiers:
        block["qualifiers"] = list(qualifiers)
    return {"text": block}


def image(data: bytes | None = None, fmt: str = "png") -> dict:
    return {"image": {"format": fmt, "source": {"bytes": picture() if data is None else data}}}


def apply(client: Any, *content: dict, source: str = "INPUT", identifier: str = GR,
          version: str = "DRAFT", **extra: Any) -> dict:
    return client.apply_guardrail(guardrailIdentifier=identifier, guardrailVersion=version,
                                  source=source, content=list(content), **extra)


def guardrail_refusal(double: BedrockDouble, body: dict | bytes, identifier: str = GR,
                      version: str = "DRAFT") -> str:
    """POST a body boto3 would not send; the ValidationException message."""
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, answer = raw_post(f"{double.url}/guardrail/{identifier}/version/{version}/apply",
                              payload, {"Authorization": "Bearer k",
                                        "Content-Type": "application/json"})
    assert status == 400, answer
    return answer["message"]


USAGE = {"topicPolicyUnits", "contentPolicyUnits", "wordPolicyUnits",
         "sensitiveInformationPolicyUnits", "sensitiveInformationPolicyFreeUnits",
         "contextualGroundingPolicyUnits"}


def test_a_clean_request_answers_action_none_with_the_full_shape(runtime, double):
    answer = apply(runtime, text("a red fox"), image(), source="OUTPUT")
    answer.pop("ResponseMetadata")
    assert answer["action"] == "NONE" and answer["outputs"] == []
    assert "actionReason" not in answer
    assert set(answer["usage"]) >= USAGE and answer["usage"]["contentPolicyImageUnits"] == 1
    assert answer["usage"]["contentPolicyUnits"] == 1
    assert answer["guardrailCoverage"] == {"textCharacters": {"guarded": 9, "total": 9},
                                           "images": {"guarded": 1, "total": 1}}
    (assessment,) = answer["assessments"]
    assert set(assessment) == {"invocationMetrics", "appliedGuardrailDetails"}
    metrics = assessment["invocationMetrics"]
    assert metrics["usage"] == answer["usage"] and metrics["guardrailProcessingLatency"] >= 0
    assert assessment["appliedGuardrailDetails"]["guardrailArn"] == ARN
    (sent,) = double.requests
    assert (sent.operation, sent.model_id, sent.guardrail_version) == (
        "apply_guardrail", f"guardrail:{GR}", "DRAFT")
    assert sent.body["source"] == "OUTPUT" and sent.body["content"][0] == text("a red fox")
    assert sent.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/bedrock/aws4_request" in sent.headers["authorization"]


def test_a_blocked_term_intervenes_with_a_word_assessment_and_the_blocked_message(runtime,
                                                                                 double):
    double.guardrail_blocked_terms = {"forbidden gizmo", "unused"}
    double.guardrail_blocked_message = "Atelier cannot draw that."
    answer = apply(runtime, text("please draw a Forbidden Gizmo on a mug"))
    assert answer["action"] == "GUARDRAIL_INTERVENED"
    assert answer["actionReason"] and answer["outputs"] == [{"text": "Atelier cannot draw that."}]
    (assessment,) = answer["assessments"]
    assert assessment["wordPolicy"] == {"customWords": [{"match": "Forbidden Gizmo",
                                                         "action": "BLOCKED", "detected": True}],
                                        "managedWordLists": []}
    assert "contentPolicy" not in assessment


def test_only_guarded_text_blocks_are_checked_for_terms(runtime, double):
    double.guardrail_blocked_terms = {"gizmo"}
    answer = apply(runtime, text("the gizmo manual", "grounding_source"), text("hi", "query"))
    assert answer["action"] == "NONE"
    assert answer["guardrailCoverage"]["textCharacters"] == {"guarded": 0, "total": 18}
    answer = apply(runtime, text("a gizmo", "guard_content"))
    assert answer["action"] == "GUARDRAIL_INTERVENED"


def test_sensitive_information_is_masked_or_blocked_as_configured(runtime, double):
    double.guardrail_pii = {"EMAIL": "ANONYMIZED"}
    double.guardrail_regexes = {"sku": (r"SKU-\d+", "ANONYMIZED")}
    answer = apply(runtime, text("mail ann@example.com about SKU-12"), text("no pii here"))
    assert answer["action"] == "GUARDRAIL_INTERVENED" and answer["actionReason"]
    assert answer["outputs"] == [{"text": "mail {EMAIL} about {sku}"}, {"text": "no pii here"}]
    (assessment,) = answer["assessments"]
    assert assessment["sensitiveInformationPolicy"] == {
        "piiEntities": [{"match": "ann@example.com", "type": "EMAIL", "action": "ANONYMIZED",
                         "detected": True}],
        "regexes": [{"match": "SKU-12", "name": "sku", "regex": r"SKU-\d+",
                     "action": "ANONYMIZED", "detected": True}]}
    assert answer["usage"]["sensitiveInformationPolicyUnits"] == 2
    double.guardrail_pii = {"PHONE": "BLOCKED"}
    answer = apply(runtime, text("call +1 555 010 9999"))
    assert answer["outputs"] == [{"text": double.guardrail_blocked_message}]
    assert answer["assessments"][0]["sensitiveInformationPolicy"]["piiEntities"][0][
        "action"] == "BLOCKED"
    assert apply(runtime, text("a plain mug"))["action"] == "NONE"


def test_a_blocked_image_verdict_intervenes_with_a_content_filter(runtime, double):
    double.guardrail_image_verdict = "block"
    double.guardrail_image_filter = "VIOLENCE"
    assert apply(runtime, text("no image here"))["action"] == "NONE"
    answer = apply(runtime, image(picture(64, 64, "JPEG"), "jpeg"), source="OUTPUT")
    assert answer["action"] == "GUARDRAIL_INTERVENED"
    assert answer["outputs"] == [{"text": "Sorry, the model cannot answer this question."}]
    assert answer["assessments"][0]["contentPolicy"]["filters"] == [
        {"type": "VIOLENCE", "confidence": "HIGH", "filterStrength": "HIGH", "action": "BLOCKED",
         "detected": True}]
    assert answer["usage"]["contentPolicyImageUnits"] == 1
    assert answer["guardrailCoverage"] == {"images": {"guarded": 1, "total": 1}}


def test_output_scope_full_lists_the_filters_that_did_not_fire(runtime):
    answer = apply(runtime, text("a cat"), outputScope="FULL")
    filters = answer["assessments"][0]["contentPolicy"]["filters"]
    assert {f["type"] for f in filters} == {"INSULTS", "HATE", "SEXUAL", "VIOLENCE",
                                            "MISCONDUCT", "PROMPT_ATTACK"}
    assert not any(f["detected"] for f in filters) and answer["action"] == "NONE"


def test_arn_identifiers_and_numbered_versions_are_served(runtime, double):
    answer = apply(runtime, text("x"), identifier=ARN, version="3")
    details = answer["assessments"][0]["appliedGuardrailDetails"]
    assert (details["guardrailId"], details["guardrailVersion"]) == (GR, "3")
    assert double.requests[-1].model_id == f"guardrail:{ARN}"


def test_an_unknown_guardrail_is_resource_not_found(runtime):
    with pytest.raises(runtime.exceptions.ResourceNotFoundException) as caught:
        apply(runtime, text("x"), identifier="nosuchguardrail")
    assert code_of(caught.value) == ("ResourceNotFoundException", 404)
    assert "nosuchguardrail" in caught.value.response["Error"]["Message"]


@pytest.mark.parametrize(("identifier", "version", "expected"), [
    ("gr-123", "DRAFT", "Value 'gr-123' at 'guardrailIdentifier' failed to satisfy constraint: "
                        "Member must satisfy regular expression pattern"),
    (GR, "0", "Value '0' at 'guardrailVersion' failed to satisfy constraint"),
    (GR, "latest", "at 'guardrailVersion'"),
    ("", "DRAFT", "Value '' at 'guardrailIdentifier' failed to satisfy constraint: Member must "
                  "have length greater than or equal to 1"),
])
def test_identifier_and_version_are_checked(runtime, identifier, version, expected):
    with pytest.raises(runtime.exceptions.ValidationException, match=expected):
        apply(runtime, text("x"), identifier=identifier, version=version)


@pytest.mark.parametrize(("content", "expected"), [
    ([{"text": {"text": "a"}, "image": image()["image"]}],
     "at 'content.1.member' failed to satisfy constraint: Member must have exactly one"),
    ([image(fmt="gif")], "Value 'gif' at 'content.1.member.image.format' failed to satisfy "
                         "constraint: Member must satisfy enum value set: [png, jpeg]"),
    ([text("a", "context")], "at 'content.1.member.text.qualifiers.1.member'"),
    ([image(b"not an image")], "could not be decoded as png"),
    ([image(picture(fmt="JPEG"))], "could not be decoded as png"),
    ([image(b"")], "at 'content.1.member.image.source.bytes' failed to satisfy constraint: "
                   "Member must have length greater than or equal to 1"),
    ([image(picture(8001, 8))], "images can be at most 8000x8000 pixels"),
    ([image(b"\x89PNG" + bytes(4 * 1024 * 1024))], "the maximum image size is 4194304 bytes"),
    ([image()] * 21, "at most 20 images"),
])
def test_malformed_content_is_refused(double, content, expected):
    client = make_client("bedrock-runtime", UNCHECKED)  # send what boto3 would refuse
    with pytest.raises(client.exceptions.ValidationException) as caught:
        apply(client, *content)
    assert expected in caught.value.response["Error"]["Message"]


@pytest.mark.parametrize(("body", "expected"), [
    ({"source": "BOTH", "content": []}, "Value 'BOTH' at 'source' failed to satisfy constraint: "
                                        "Member must satisfy enum value set: [INPUT, OUTPUT]"),
    ({"content": [{"text": {"text": "a"}}]}, "Value null at 'source' failed to satisfy "
                                             "constraint: Member must not be null"),
    ({"source": "INPUT", "content": [], "guardrailConfig": {}}, "Unknown member "
                                                                "'guardrailConfig'"),
    ({"source": "INPUT", "content": [{"text": {"txt": "a"}}]}, "Unknown member 'txt'"),
    ({"source": "INPUT", "content": "a cat"}, "the member at 'content' must be a list"),
    ({"source": "INPUT", "content": [], "outputScope": "ALL"}, "at 'outputScope'"),
    (b"{not json", "Unable to parse the request body as JSON"),
])
def test_malformed_bodies_are_refused(double, body, expected):
    assert expected in guardrail_refusal(double, body)


@pytest.mark.parametrize(("outcome", "exception", "status"), [
    (out.throttle(), "ThrottlingException", 429),
    (out.server_error(500), "InternalServerException", 500),
    (out.server_error(503), "ServiceUnavailableException", 503),
    (out.access_denied(), "AccessDeniedException", 403),
    (out.quota_exceeded(), "ServiceQuotaExceededException", 400),
])
def test_scripted_errors_raise_the_modelled_exceptions(runtime, double, outcome, exception,
                                                       status):
    double.script(f"guardrail:{GR}", outcome)
    with pytest.raises(getattr(runtime.exceptions, exception)) as caught:
        apply(runtime, text("x"))
    assert code_of(caught.value) == (exception, status)
    assert apply(runtime, text("x"))["action"] == "NONE"  # consumed


def test_guardrail_scripts_are_fifo_per_guardrail_and_refuse_foreign_outcomes(runtime, double):
    double.guardrails.add("other")
    double.script(f"guardrail:{GR}", out.throttle(), out.server_error(503))
    double.script("guardrail:*", out.server_error(500), out.server_error(500))
    with pytest.raises(runtime.exceptions.InternalServerException):  # "*": any guardrail
        apply(runtime, text("x"), identifier="other")
    with pytest.raises(runtime.exceptions.ThrottlingException):  # its own script first
        apply(runtime, text("x"))
    with pytest.raises(runtime.exceptions.ServiceUnavailableException):
        apply(runtime, text("x"))
    with pytest.raises(runtime.exceptions.InternalServerException):  # then "*"
        apply(runtime, text("x"))
    assert apply(runtime, text("x"))["action"] == "NONE"
    assert apply(runtime, text("x"), identifier="other")["action"] == "NONE"
    with pytest.raises(ValueError, match="not an ApplyGuardrail outcome"):
        double.script(f"guardrail:{GR}", out.model_timeout())


def test_guardrail_scripts_can_target_one_source(runtime, double):
    double.script(f"guardrail:{GR}:OUTPUT", out.server_error(503))
    assert apply(runtime, text("a prompt"), source="INPUT")["action"] == "NONE"
    with pytest.raises(runtime.exceptions.ServiceUnavailableException):
        apply(runtime, image(), source="OUTPUT")
    assert apply(runtime, image(), source="OUTPUT")["action"] == "NONE"


def test_guardrail_scripts_do_not_touch_model_scripts(runtime, double):
    double.script("*", out.throttle())  # a model script
    assert apply(runtime, text("x"))["action"] == "NONE"
    assert double._scripts["*"]  # still queued for the next model call


def test_guardrail_delay_and_latency_slow_the_answer_and_can_time_out(double):
    double.script(f"guardrail:{GR}", out.delay(0.25))
    client = make_client("bedrock-runtime")
    started = time.monotonic()
    apply(client, text("x"))
    assert time.monotonic() - started >= 0.25
    double.guardrail_latency = 0.6
    impatient = make_client("bedrock-runtime", Config(read_timeout=0.2, retries={
        "mode": "standard", "total_max_attempts": 1}))
    with pytest.raises(ReadTimeoutError):
        apply(impatient, text("x"))


def test_guardrail_requests_need_bedrock_sigv4_or_a_bearer_key(double):
    url = f"{double.url}/guardrail/{GR}/version/DRAFT/apply"
    body = json.dumps({"source": "INPUT", "content": [text("x")]}).encode()
    status, answer = raw_post(url, body, {})
    assert status == 403 and answer["message"] == "Missing Authentication Token"
    status, answer = raw_post(url, body, {"Authorization": SIGV4.format(service="rekognition")})
    assert status == 403 and "'bedrock'" in answer["message"]
    status, answer = raw_post(url, body, {"Authorization": "Bearer key"})
    assert status == 200 and answer["action"] == "NONE"


# --- Rekognition DetectModerationLabels -------------------------------------------------------

@pytest.fixture
def rekognition(rekognition_double: RekognitionDouble) -> RekognitionDouble:  # noqa: F811
    return rekognition_double


@pytest.fixture
def client(rekognition: RekognitionDouble) -> Any:
    return make_client("rekognition")


def detect(client: Any, data: bytes | None = None, **kwargs: Any) -> dict:
    kwargs.setdefault("Image", {"Bytes": picture() if data is None else data})
    return client.detect_moderation_labels(**kwargs)


def rekognition_raw(double: RekognitionDouble, body: dict | bytes,
                    target: str = "RekognitionService.DetectModerationLabels",
                    content_type: str = "application/x-amz-json-1.1",
                    service: str = "rekognition") -> tuple[int, dict]:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"X-Amz-Target": target, "Content-Type": content_type}
    if service:
        headers["Authorization"] = SIGV4.format(service=service)
    return raw_post(f"{double.url}/", payload, headers)


def test_the_fixture_points_boto3_at_the_double(rekognition):
    assert os.environ["AWS_ENDPOINT_URL_REKOGNITION"] == rekognition.url
    assert rekognition.url.startswith("http://127.0.0.1:")
    assert os.environ["AWS_DEFAULT_REGION"] == os.environ["AWS_REGION"] == "us-east-1"


def test_a_clean_image_has_no_labels_and_the_documented_shape(client, rekognition):
    answer = detect(client, picture(120, 90, "JPEG"), MinConfidence=60)
    answer.pop("ResponseMetadata")
    assert answer == {"ModerationLabels": [], "ModerationModelVersion": "7.0",
                      "ContentTypes": []}
    (sent,) = rekognition.requests
    assert sent.operation == "DetectModerationLabels"
    assert sent.body["MinConfidence"] == 60 and sent.image == picture(120, 90, "JPEG")
    assert sent.headers["content-type"] == "application/x-amz-json-1.1"
    assert "/rekognition/aws4_request" in sent.headers["authorization"]


def test_labels_are_filtered_by_min_confidence_defaulting_to_50(client, rekognition):
    rekognition.labels = [label("Violence", 93.0), label("Graphic Violence", 62.5, "Violence"),
                          label("Weapon Violence", 40.0, "Violence", level=3)]
    rekognition.content_types = [{"Name": "Illustrated", "Confidence": 88.0}]
    answer = detect(client)
    assert answer["ModerationLabels"] == [
        {"Confidence": 93.0, "Name": "Violence", "ParentName": "", "TaxonomyLevel": 1},
        {"Confidence": 62.5, "Name": "Graphic Violence", "ParentName": "Violence",
         "TaxonomyLevel": 2}]
    assert answer["ContentTypes"] == [{"Name": "Illustrated", "Confidence": 88.0}]
    assert len(detect(client, MinConfidence=20)["ModerationLabels"]) == 3
    assert [x["Name"] for x in detect(client, MinConfidence=70)["ModerationLabels"]] == [
        "Violence"]
    assert detect(client, MinConfidence=100)["ModerationLabels"] == []


def test_s3_objects_are_read_from_the_registry(client, rekognition):
    rekognition.labels = [label("Alcohol", 77.0)]
    s3 = {"S3Object": {"Bucket": "atelier-assets", "Name": "out/1.png"}}
    with pytest.raises(client.exceptions.InvalidS3ObjectException, match="Unable to get object"):
        detect(client, Image=s3)
    rekognition.s3_objects[("atelier-assets", "out/1.png")] = picture()
    assert detect(client, Image=s3)["ModerationLabels"][0]["Name"] == "Alcohol"


def test_human_loop_and_adapters_are_validated(client, rekognition):
    loop = {"HumanLoopName": "review-1", "FlowDefinitionArn": "arn:aws:sagemaker:us-east-1:"
            "123456789012:flow-definition/f", "DataAttributes": {
                "ContentClassifiers": ["FreeOfAdultContent"]}}
    assert "HumanLoopActivationOutput" not in detect(client, HumanLoopConfig=loop)
    adapter = "arn:aws:rekognition:us-east-1:123456789012:project/p/version/v/1"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        detect(client, ProjectVersion=adapter)
    rekognition.project_versions.add(adapter)
    assert detect(client, ProjectVersion=adapter)["ProjectVersion"] == adapter


WEBP = png_bytes((96, 96), 0, fmt="WEBP")


@pytest.mark.parametrize(("image", "kwargs", "exception", "message"), [
    ({"Bytes": b""}, {}, "ValidationException",
     "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]' at "
     "'image.bytes' failed to satisfy constraint: Member must have length greater than or "
     "equal to 1"),
    ({"Bytes": b"\x89PNG" + bytes(5_242_880)}, {}, "ValidationException",
     "at 'image.bytes' failed to satisfy constraint: Member must have length less than or "
     "equal to 5242880"),
    ({"Bytes": WEBP}, {}, "InvalidImageFormatException",
     "Request has invalid image format"),
    ({"Bytes": b"GIF89a not really"}, {}, "InvalidImageFormatException",
     "Request has invalid image format"),
    ({"Bytes": picture(79, 200)}, {}, "InvalidParameterException",
     "Request has Invalid Parameters"),
    ({"Bytes": picture(10_001, 80)}, {}, "ImageTooLargeException",
     "Input image dimensions 10001 x 80 exceed maximum dimension size of 10000 pixels"),
    ({"Bytes": picture(), "S3Object": {"Bucket": "bkt", "Name": "k"}}, {},
     "InvalidParameterException", "Request has Invalid Parameters"),
    ({"S3Object": {"Bucket": "bad bucket!", "Name": "k"}}, {}, "ValidationException",
     "Value 'bad bucket!' at 'image.s3Object.bucket' failed to satisfy constraint: Member must "
     "satisfy regular expression pattern"),
    ({"Bytes": picture()}, {"MinConfidence": 101}, "ValidationException",
     "Value '101.0' at 'minConfidence' failed to satisfy constraint: Member must have value "
     "less than or equal to 100"),
    ({"Bytes": picture()}, {"HumanLoopConfig": {"HumanLoopName": "Bad_Name",
                                                "FlowDefinitionArn": "arn"}},
     "ValidationException", "at 'humanLoopConfig.humanLoopName' failed to satisfy constraint: "
                            "Member must satisfy regular expression pattern"),
    ({"Bytes": picture()}, {"ProjectVersion": "arn:aws:rekognition:nope-but-long-enough"},
     "ValidationException", "at 'projectVersion' failed to satisfy constraint"),
])
def test_invalid_requests_are_refused(rekognition, image, kwargs, exception, message):
    client = make_client("rekognition", UNCHECKED)
    with pytest.raises(ClientError) as caught:
        client.detect_moderation_labels(Image=image, **kwargs)
    assert code_of(caught.value) == (exception, 400)
    assert message in caught.value.response["Error"]["Message"]


@pytest.mark.parametrize(("body", "exception", "message"), [
    ({"Image": {"Bytes": "aGk="}, "MaxLabels": 3}, "InvalidParameterException",
     "unknown member 'MaxLabels'"),
    ({"Image": {"Bytes": "aGk=", "Url": "http://x"}}, "InvalidParameterException",
     "unknown member 'Url' at 'Image'"),
    ({"Image": {"Bytes": "aGk="}, "MinConfidence": "high"}, "SerializationException",
     "STRING_VALUE can not be converted to a Float"),
    ({"Image": "aGk="}, "SerializationException", "STRING_VALUE can not be converted to a "
                                                  "structure"),
    ({"Image": {"Bytes": "not base64!"}}, "SerializationException", "Base64"),
    ({"MinConfidence": 50}, "ValidationException", "Value null at 'image' failed to satisfy "
                                                   "constraint: Member must not be null"),
    (b"{nope", "SerializationException", "not valid JSON"),
])
def test_bodies_boto3_would_not_send_are_refused(rekognition, body, exception, message):
    status, answer = rekognition_raw(rekognition, body)
    assert (status, answer["__type"]) == (400, exception)
    assert message in (answer.get("Message") or answer["message"])


def test_other_operations_content_types_and_credentials_are_refused(rekognition):
    body = {"Image": {"Bytes": "aGk="}}
    status, answer = rekognition_raw(rekognition, body, target="RekognitionService.DetectLabels")
    assert (status, answer["__type"]) == (400, "UnknownOperationException")
    status, answer = rekognition_raw(rekognition, body, content_type="application/json")
    assert (status, answer["__type"]) == (400, "UnknownOperationException")
    status, answer = rekognition_raw(rekognition, body, service="")
    assert (status, answer["__type"]) == (400, "MissingAuthenticationTokenException")
    status, answer = rekognition_raw(rekognition, body, service="bedrock")
    assert (status, answer["__type"]) == (400, "InvalidSignatureException")
    assert [r.operation for r in rekognition.requests] == ["DetectLabels", *["DetectModeration"
                                                                             "Labels"] * 3]


@pytest.mark.parametrize(("outcome", "exception", "status"), [
    (rek.throttle(), "ProvisionedThroughputExceededException", 400),
    (rek.throttle("ThrottlingException"), "ThrottlingException", 500),
    (rek.server_error(), "InternalServerError", 500),
    (rek.invalid_image(), "InvalidImageFormatException", 400),
    (rek.image_too_large(), "ImageTooLargeException", 400),
    (rek.access_denied(), "AccessDeniedException", 400),
])
def test_scripted_errors_raise_the_modelled_rekognition_exceptions(client, rekognition, outcome,
                                                                   exception, status):
    rekognition.script(outcome)
    with pytest.raises(getattr(client.exceptions, exception)) as caught:
        detect(client)
    assert code_of(caught.value) == (exception, status)
    assert caught.value.response["Error"]["Message"]
    assert detect(client)["ModerationLabels"] == []


def test_rekognition_scripts_are_fifo_and_checked(client, rekognition):
    rekognition.labels = [label("Gambling", 80.0)]
    rekognition.script(rek.throttle(), rek.OK, rek.server_error())
    assert rekognition.pending == 3
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        detect(client)
    assert detect(client)["ModerationLabels"][0]["Name"] == "Gambling"
    with pytest.raises(client.exceptions.InternalServerError):
        detect(client)
    assert rekognition.pending == 0 and len(rekognition.requests) == 3
    with pytest.raises(ValueError, match="not a Rekognition outcome"):
        rekognition.script(out.model_timeout())
    with pytest.raises(ValueError):
        rek.throttle("SlowDown")


def test_rekognition_delay_latency_and_read_timeouts(rekognition):
    client = make_client("rekognition")
    rekognition.script(rek.delay(0.25))
    started = time.monotonic()
    detect(client)
    assert time.monotonic() - started >= 0.25
    rekognition.latency = 0.6
    impatient = make_client("rekognition", Config(read_timeout=0.2, retries={
        "mode": "standard", "total_max_attempts": 1}))
    with pytest.raises(ReadTimeoutError):
        detect(impatient)


def test_default_retries_of_the_real_client_ride_over_one_server_error(rekognition):
    rekognition.script(rek.server_error())
    client = boto3.session.Session().client("rekognition", region_name="us-east-1")
    assert detect(client)["ModerationLabels"] == []
    assert len(rekognition.requests) == 2
