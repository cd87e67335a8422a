"""The control-plane double is strict about botocore's `bedrock` service model, so the sync's
tests can only pass with requests AWS would accept and answers AWS could give."""

from __future__ import annotations

import urllib.error
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.fakes.bedrock_control import (
    BedrockControlDouble,
    Model,
    bedrock_control,  # noqa: F401
)

SIGNED = ("AWS4-HMAC-SHA256 Credential=testing/20261207/us-east-1/{service}/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=abcdef0123")


def client():
    return boto3.session.Session().client("bedrock", region_name="us-east-1")


def error_of(call) -> tuple[str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    return (raised.value.response["Error"]["Code"],
            raised.value.response["ResponseMetadata"]["HTTPStatusCode"])


def raw_get(double: BedrockControlDouble, path: str, service: str = "bedrock"
            ) -> tuple[int, str, str]:
    request = urllib.request.Request(double.url + path, headers={
        "Authorization": SIGNED.format(service=service)})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, "", answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers["x-amzn-ErrorType"], refused.read().decode()


def test_parameters_outside_the_service_model_are_validation_errors(
        bedrock_control):  # noqa: F811
    assert error_of(lambda: client().list_foundation_models(byOutputModality="VIDEO")) == (
        "ValidationException", 400)
    assert error_of(lambda: client().get_foundation_model(modelIdentifier="Not A Model")) == (
        "ValidationException", 400)
    assert error_of(lambda: client().list_inference_profiles(maxResults=1001)) == (
        "ValidationException", 400)
    status, code, _ = raw_get(bedrock_control, "/foundation-models?byColour=IMAGE")
    assert (status, code) == (400, "ValidationException")
    status, code, _ = raw_get(bedrock_control, "/foundation-models?byOutputModality=IMAGE"
                                               "&byOutputModality=TEXT")
    assert (status, code) == (400, "ValidationException")


def test_requests_must_be_signed_for_bedrock(bedrock_control):  # noqa: F811
    status, code, _ = raw_get(bedrock_control, "/foundation-models", service="bedrock-runtime")
    assert (status, code) == (403, "AccessDeniedException")
    with pytest.raises(urllib.error.HTTPError) as unsigned:
        urllib.request.urlopen(bedrock_control.url + "/foundation-models", timeout=10)
    assert unsigned.value.code == 403


def test_unknown_models_are_not_found_and_errors_are_scripted_per_operation(
        bedrock_control):  # noqa: F811
    assert error_of(lambda: client().get_foundation_model(
        modelIdentifier="amazon.nova-canvas-v1:0")) == ("ResourceNotFoundException", 404)
    bedrock_control.offer("us-east-1", Model("amazon.nova-canvas-v1:0", "Nova Canvas", "Amazon"))
    bedrock_control.fail("GetFoundationModel", "AccessDeniedException")
    assert error_of(lambda: client().get_foundation_model(
        modelIdentifier="amazon.nova-canvas-v1:0")) == ("AccessDeniedException", 403)
    details = client().get_foundation_model(modelIdentifier=(
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-canvas-v1:0"))["modelDetails"]
    assert details["modelLifecycle"] == {"status": "ACTIVE"}


def test_an_answer_off_the_contract_is_a_loud_bug_not_a_quiet_success(
        bedrock_control):  # noqa: F811
    bedrock_control.offer("us-east-1", Model("amazon.nova-canvas-v1:0",
                                             "A model name longer than BrandedName allows",
                                             "Amazon"))
    assert error_of(lambda: client().list_foundation_models()) == ("InternalServerException",
                                                                   500)
