"""The doubles answer per Region, as the services do: a model only where the catalog says Bedrock
offers it, a cross-Region profile only from its geography, a guardrail in its own Region,
Rekognition only where it exists. A routing bug in Atelier fails here instead of in production."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from catalog.requests import JobRequest
from catalog.spec import catalog
from generation.models import Job
from generation.runner import run_job
from generation.services import submit_job
from providers.base import ProviderCall, ProviderError
from providers.registry import adapter_for
from tests.fakes import bedrock_regions
from tests.fakes.bedrock import BedrockDouble
from tests.fakes.rekognition import RekognitionDouble
from tests.fakes.sigv4 import credential_scope
from tests.helpers import png_bytes

NOT_IN_REGION = "The provided model identifier is invalid."
SD35 = "stability.sd3-5-large-v1:0"
TITAN_V2 = "amazon.titan-image-generator-v2:0"
OMNI = "us.amazon.nova-2-omni-v1:0"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
NOVA_BODY = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a red fox"}}
BEDROCK_MODELS = [spec.key for spec in catalog() if spec.family != "local"]


def client(service: str, region: str) -> Any:
    return boto3.session.Session().client(service, region_name=region, config=NO_RETRIES)


def invoke(region: str, model_id: str, body: dict) -> dict:
    answer = client("bedrock-runtime", region).invoke_model(modelId=model_id,
                                                            body=json.dumps(body))
    return json.loads(answer["body"].read())


def refusal(call: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response
    return error["Error"]["Code"], error["Error"]["Message"], \
        error["ResponseMetadata"]["HTTPStatusCode"]


def signed_region(double: BedrockDouble) -> str:
    scope = credential_scope(double.requests[-1].headers["authorization"])
    assert scope is not None
    return scope.region


# --- Atelier's own path: the registry's adapter, the real boto3 client ------------------------

def test_a_model_called_outside_its_regions_fails_through_atelier(bedrock):
    spec = catalog().get("sd3.5-large")
    assert set(spec.regions) == {"us-west-2"}
    call = ProviderCall(model_id=spec.model_id, operation="text_to_image", prompt="a red fox",
                        negative_prompt="", width=1024, height=1024, seeds=(7,),
                        aspect_ratio="1:1", region="us-east-1")
    with pytest.raises(ProviderError) as caught:
        adapter_for(spec)(call)
    error = caught.value
    assert (error.code, error.http_status, error.retryable) == ("invalid_request", 400, False)
    assert error.message == NOT_IN_REGION
    assert signed_region(bedrock) == "us-east-1"

    result = adapter_for(spec)(replace(call, region=spec.region("us-east-1")))
    assert len(result.images) == 1
    assert signed_region(bedrock) == "us-west-2"


@pytest.mark.parametrize(("key", "configured", "expected"), [
    ("sd3.5-large", "us-east-1", "us-west-2"),
    ("sd3.5-large", "eu-west-1", "us-west-2"),
    ("nova-canvas", "us-west-2", "us-east-1"),
    ("nova-canvas", "eu-west-1", "eu-west-1"),
    ("stability-inpaint", "us-east-2", "us-east-2"),
])
def test_a_job_is_sent_to_a_region_that_offers_its_model(acme, bedrock, settings, uploads, key,
                                                          configured, expected):
    settings.AWS_REGION = configured
    fields: dict[str, Any] = {"prompt": "a red fox"}
    if key == "stability-inpaint":
        fields.update(operation="inpaint", images=[str(uploads["photo"].pk)],
                      mask=str(uploads["mask"].pk))
    job = submit_job(acme.tenant, JobRequest(model=key, **fields))
    run_job(job.pk)
    job = Job.objects.for_tenant(acme.tenant).get(pk=job.pk)
    assert job.status == "succeeded", (job.error_code, job.error_message)
    assert signed_region(bedrock) == expected


@pytest.mark.parametrize("key", BEDROCK_MODELS)
def test_every_catalog_model_answers_only_in_its_regions(bedrock_double, key):
    spec = catalog().get(key)
    outside = next(r for r in ("eu-west-3", "us-east-2", "ap-northeast-1") if r not in spec.regions)
    operation = "converse" if spec.family == "nova-omni" else "invoke_model"

    def call(region: str) -> Any:
        runtime = client("bedrock-runtime", region)
        if operation == "converse":
            return lambda: runtime.converse(modelId=spec.model_id, messages=[
                {"role": "user", "content": [{"text": "a red fox"}]}])
        return lambda: runtime.invoke_model(modelId=spec.model_id, body=b"{}")

    assert refusal(call(outside)) == ("ValidationException", NOT_IN_REGION, 400)
    for region in spec.regions:
        if operation == "converse":
            call(region)()
        else:  # an empty body: refused, but by the model's schema, not for the Region
            code, message, _ = refusal(call(region))
            assert code == "ValidationException" and message != NOT_IN_REGION


# --- the double's rules -----------------------------------------------------------------------

def test_a_us_profile_answers_only_from_us_regions(bedrock_double):
    messages = [{"role": "user", "content": [{"text": "a red fox"}]}]
    for region in ("us-east-1", "us-west-2"):
        client("bedrock-runtime", region).converse(modelId=OMNI, messages=messages)
    for region in ("eu-west-1", "ap-northeast-1"):
        runtime = client("bedrock-runtime", region)
        assert refusal(lambda runtime=runtime: runtime.converse(
            modelId=OMNI, messages=messages)) == ("ValidationException", NOT_IN_REGION, 400)


def test_a_profile_keeps_to_its_geography_whatever_the_catalog_lists():
    spec = catalog().get("nova-2-omni")
    listed = replace(spec, regions=("us-east-1", "eu-west-1", "ap-northeast-1"))
    regions = bedrock_regions.catalog_regions([listed])
    assert regions[OMNI] == {"us-east-1"}
    assert regions[spec.base_model_id] == {"us-east-1", "eu-west-1", "ap-northeast-1"}
    for prefix, inside, outside in (("eu.", "eu-central-1", "us-east-1"),
                                    ("apac.", "ap-south-1", "eu-west-1"),
                                    ("global.", "sa-east-1", "us-gov-west-1")):
        profiled = replace(spec, model_id=prefix + spec.base_model_id,
                           regions=(inside, outside))
        assert bedrock_regions.catalog_regions([profiled])[profiled.model_id] == {inside}


def test_a_profile_the_catalog_does_not_name_answers_where_its_model_is(bedrock_double):
    assert bedrock_double.regions[f"us.{SD35}"] == {"us-west-2"}
    assert invoke("us-west-2", f"us.{SD35}", {"prompt": "a"})["images"]
    assert refusal(lambda: invoke("us-east-1", f"us.{SD35}", {"prompt": "a"}))[1] == (
        NOT_IN_REGION)


def test_a_region_without_bedrock_runtime_is_refused_at_auth(bedrock_double):
    code, message, status = refusal(lambda: invoke("cn-north-1", TITAN_V2, NOVA_BODY))
    assert (code, status) == ("InvalidSignatureException", 403)
    assert message == "Credential should be scoped to a valid region, not 'cn-north-1'. "


def test_a_test_may_move_a_model(bedrock_double):
    bedrock_double.regions[TITAN_V2] = frozenset({"eu-west-1"})
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a fox"}}
    assert invoke("eu-west-1", TITAN_V2, body)["images"]
    assert refusal(lambda: invoke("us-east-1", TITAN_V2, body))[1] == NOT_IN_REGION


def test_rpm_quotas_are_counted_per_region(bedrock_double):
    bedrock_double.rpm[TITAN_V2] = 1
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a fox"}}
    invoke("us-east-1", TITAN_V2, body)
    invoke("us-west-2", TITAN_V2, body)
    assert refusal(lambda: invoke("us-east-1", TITAN_V2, body))[0] == "ThrottlingException"


def test_a_model_error_names_the_model_in_the_region_called(bedrock_double):
    from tests.fakes import bedrock as fake

    bedrock_double.script(TITAN_V2, fake.model_error())
    with pytest.raises(ClientError) as caught:
        invoke("us-west-2", TITAN_V2, NOVA_BODY)
    assert caught.value.response["resourceName"] == (
        f"arn:aws:bedrock:us-west-2::foundation-model/{TITAN_V2}")


# --- Guardrails ------------------------------------------------------------------------------

def apply(region: str, identifier: str, content: list[dict]) -> dict:
    return client("bedrock-runtime", region).apply_guardrail(
        guardrailIdentifier=identifier, guardrailVersion="1", source="INPUT", content=content)


TEXT = [{"text": {"text": "a red fox"}}]
IMAGE = [{"image": {"format": "png", "source": {"bytes": png_bytes((64, 64), (9, 9, 9))}}}]


def test_a_guardrail_is_found_only_in_its_own_region(bedrock_double):
    bedrock_double.guardrails.add("gr1")
    assert apply("us-west-2", "gr1", TEXT)["action"] == "NONE"  # made where it is called
    bedrock_double.guardrail_region = "us-east-1"
    assert apply("us-east-1", "gr1", TEXT)["action"] == "NONE"
    assert refusal(lambda: apply("us-west-2", "gr1", TEXT))[::2] == (
        "ResourceNotFoundException", 404)
    arn = "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1"
    answer = apply("us-east-1", arn, TEXT)
    assert answer["assessments"][0]["appliedGuardrailDetails"]["guardrailArn"] == arn
    assert refusal(lambda: apply("us-west-2", arn, TEXT))[::2] == (
        "ResourceNotFoundException", 404)


def test_guardrail_answers_name_the_region_called(bedrock_double):
    bedrock_double.guardrails.add("gr1")
    details = apply("eu-central-1", "gr1", TEXT)["assessments"][0]["appliedGuardrailDetails"]
    assert details["guardrailArn"] == "arn:aws:bedrock:eu-central-1:123456789012:guardrail/gr1"


def test_guardrail_image_blocks_only_where_image_filters_exist(bedrock_double):
    bedrock_double.guardrails.add("gr1")
    assert apply("us-west-2", "gr1", IMAGE)["action"] == "NONE"
    code, message, status = refusal(lambda: apply("eu-west-1", "gr1", IMAGE))
    assert (code, status) == ("ValidationException", 400) and "eu-west-1" in message
    assert apply("eu-west-1", "gr1", TEXT)["action"] == "NONE"


def test_guardrails_need_a_region_with_bedrock_runtime(bedrock_double):
    bedrock_double.guardrails.add("gr1")
    assert refusal(lambda: apply("cn-north-1", "gr1", TEXT))[::2] == (
        "InvalidSignatureException", 403)


# --- Rekognition -----------------------------------------------------------------------------

PHOTO = png_bytes((128, 128), (200, 40, 40))


def detect(region: str, **request: Any) -> dict:
    request.setdefault("Image", {"Bytes": PHOTO})
    return client("rekognition", region).detect_moderation_labels(**request)


def test_rekognition_answers_only_in_regions_it_exists_in(rekognition_double):
    assert detect("eu-west-1")["ModerationLabels"] == []
    for region in ("eu-north-1", "af-south-1"):
        code, message, status = refusal(lambda region=region: detect(region))
        assert (code, status) == ("InvalidSignatureException", 400)
        assert message == f"Credential should be scoped to a valid region, not '{region}'. "


def test_rekognition_reads_s3_objects_in_its_own_region(rekognition_double: RekognitionDouble):
    rekognition_double.s3_objects[("atelier-images", "a.png")] = PHOTO
    image = {"S3Object": {"Bucket": "atelier-images", "Name": "a.png"}}
    assert detect("us-west-2", Image=image)["ModerationLabels"] == []
    rekognition_double.s3_bucket_regions["atelier-images"] = "us-east-1"
    assert detect("us-east-1", Image=image)["ModerationLabels"] == []
    assert refusal(lambda: detect("us-west-2", Image=image))[0] == "InvalidS3ObjectException"


def test_a_custom_adapter_belongs_to_the_region_of_its_arn(rekognition_double):
    arn = "arn:aws:rekognition:us-east-1:123456789012:project/p/version/v/1"
    rekognition_double.project_versions.add(arn)
    assert detect("us-east-1", ProjectVersion=arn)["ProjectVersion"] == arn
    assert refusal(lambda: detect("us-west-2", ProjectVersion=arn))[0] == (
        "ResourceNotFoundException")


def test_the_shared_scope_parser_reads_region_and_service():
    header = ("AWS4-HMAC-SHA256 Credential=AKID/20261125/eu-west-1/rekognition/aws4_request, "
              "SignedHeaders=host;x-amz-date, Signature=0123abcd")
    scope = credential_scope(header)
    assert scope is not None and (scope.region, scope.service) == ("eu-west-1", "rekognition")
    assert credential_scope("Bearer abc") is None
