"""The schema's examples and limits say what the server does (docs/sdk.md).

Every example in /api/schema/ validates against the schema it illustrates (JSON Schema 2020-12,
the dialect of OpenAPI 3.1, with formats checked), and every request example is accepted by the
server as it stands: partners copy them, and schemathesis' examples phase sends them. Beside
them, what the schema says a request may not be, the server refuses: unknown fields where the
body says `additionalProperties: false`, blank text under `minLength`, a page size under the
`limit` minimum, an Idempotency-Key outside its pattern.
"""

from __future__ import annotations

import base64
import json
import re
import socket
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator, FormatChecker

from api.idempotency import KEY_MAX_CHARS, valid_key
from api.jobs import EXAMPLE_IMAGE_ID, EXAMPLE_MASK_ID
from assets.models import Asset
from generation.models import Batch, BrandTemplate, Job, WebhookEndpoint
from generation.templates import create_template
from tests.helpers import png_bytes

API = "/api/v1"
LISTS = ["/assets", "/batches", "/jobs", "/templates", "/webhooks"]
# The host of the webhook example, resolved to a public address (the SSRF rule wants one).
EXAMPLE_HOOK_HOST, PUBLIC_ADDRESS = "hooks.example.com", "93.184.215.14"


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 "--file", str(path))
    return json.loads(path.read_text())


# --- every example against its own schema ---------------------------------------------------------

formats = FormatChecker()  # uuid, email, ... built in; these two need packages we do not have


@formats.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@formats.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and re.fullmatch(
        r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", value) is not None


def examples(schema: dict[str, Any]) -> list[tuple[str, Any, dict[str, Any]]]:
    """(where, example, the schema it illustrates) for every example in the document: of
    request bodies, answers and parameters (`examples` and `example`), and of schema
    properties (`example`)."""
    found: list[tuple[str, Any, dict[str, Any]]] = []

    def media(where: str, content: dict[str, Any]) -> None:
        for media_type, described in content.items():
            for name, example in described.get("examples", {}).items():
                found.append((f"{where} {media_type} {name}", example["value"],
                              described["schema"]))
            if "example" in described:
                found.append((f"{where} {media_type}", described["example"],
                              described["schema"]))

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            media(f"{where} request", operation.get("requestBody", {}).get("content", {}))
            for status, answer in operation.get("responses", {}).items():
                media(f"{where} {status}", answer.get("content", {}))
            for parameter in operation.get("parameters", []):
                for name, example in parameter.get("examples", {}).items():
                    found.append((f"{where} {parameter['name']} {name}", example["value"],
                                  parameter["schema"]))
                if "example" in parameter:
                    found.append((f"{where} {parameter['name']}", parameter["example"],
                                  parameter["schema"]))

    def properties(where: str, node: Any) -> None:
        if isinstance(node, dict):
            for name, spec in node.get("properties", {}).items():
                if isinstance(spec, dict) and "example" in spec:
                    found.append((f"{where}.{name}", spec["example"],
                                  {key: value for key, value in spec.items()
                                   if key != "example"}))
            for key, value in node.items():
                properties(f"{where}.{key}" if key != "properties" else where, value)
        elif isinstance(node, list):
            for item in node:
                properties(where, item)

    properties("components", schema.get("components", {}))
    return found


def validator(document: dict[str, Any], described: dict[str, Any]) -> Draft202012Validator:
    """A validator of `described` whose `#/components/...` references resolve in the
    document."""
    return Draft202012Validator({**described, "components": document["components"]},
                                format_checker=formats)


def test_every_example_validates_against_its_own_schema(schema):
    found = examples(schema)
    wheres = " | ".join(where for where, _, _ in found)
    for expected in ("POST /api/v1/jobs request application/json InpaintAnUpload",
                     "POST /api/v1/jobs 202 application/json Accepted",
                     "POST /api/v1/batches request text/csv ACSVBody",
                     "POST /api/v1/uploads request application/json Base64",
                     "PaginatedJobListList.next"):
        assert expected in wheres  # the walk finds every kind of example
    problems = [f"{where}: {error.message}" for where, example, described in found
                for error in validator(schema, described).iter_errors(example)]
    assert not problems, "\n".join(problems)


def test_the_validator_sees_what_the_examples_could_get_wrong(schema):
    """The check above can fail: the mistakes the examples once had are caught."""
    job = {"$ref": "#/components/schemas/JobRequest"}
    assert not validator(schema, job).is_valid({"model": "local", "colour": "red"})
    assert not validator(schema, job).is_valid({"model": "", "prompt": "a lamp"})
    template = {"$ref": "#/components/schemas/TemplateRequest"}
    assert not validator(schema, template).is_valid({"name": "x", "prompt": ""})
    page = {"$ref": "#/components/schemas/PaginatedJobListList"}
    assert not validator(schema, page).is_valid({"results": [], "next": "http://a/?c=x\""})
    assert validator(schema, page).is_valid({"results": [], "next": None, "previous": None})


# --- every request example, sent to the server ----------------------------------------------------

def request_examples(schema: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    return [(path, media_type, name, example["value"])
            for path, operations in schema["paths"].items()
            for media_type, described in operations.get("post", {}).get(
                "requestBody", {}).get("content", {}).items()
            for name, example in described.get("examples", {}).items()]


@pytest.fixture
def public_hook_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """The webhook example's host resolves to a public address (no network in tests)."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        return real(PUBLIC_ADDRESS if name == EXAMPLE_HOOK_HOST else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def example_tenant(acme, owner, empty_queue, public_hook_host, settings):
    """Acme with what the examples name: the template `studio` (as the fuzz tenant has it),
    the inpaint example's two uploads (their ids) and a webhook endpoint to rotate."""
    settings.AWS_REGION = "us-west-2"  # where the Stability models of the examples are
    create_template(acme.tenant, name="studio", prompt="a {subject} on marble",
                    model_key="local")
    for upload_id, image in ((EXAMPLE_IMAGE_ID, png_bytes((640, 480), (200, 40, 40))),
                             (EXAMPLE_MASK_ID, png_bytes((640, 480), 0, mode="L",
                                                         box=(160, 120, 480, 360),
                                                         box_color=255))):
        made = owner.post(f"{API}/uploads", {"data": base64.b64encode(image).decode()},
                          format="json")
        assert made.status_code == 201, made.content
        Asset.objects.for_tenant(acme.tenant).filter(pk=made.json()["id"]).update(id=upload_id)
    return acme


def send(client: Any, path: str, media_type: str, value: Any) -> Any:
    body = value if media_type == "text/csv" else json.dumps(value)
    return client.post(path, body, content_type=media_type)


def test_every_request_example_is_accepted_by_the_server(schema, owner, example_tenant):
    found = request_examples(schema)
    assert len(found) >= 9
    answers = {}
    for path, media_type, name, value in found:
        if "{id}" in path:  # rotate-secret: the example webhook's own endpoint
            endpoint = WebhookEndpoint.objects.for_tenant(example_tenant.tenant).first()
            assert endpoint is not None, "the webhook example runs first (schema order)"
            path = path.replace("{id}", str(endpoint.pk))
        response = send(owner, path, media_type, value)
        assert response.status_code in (200, 201, 202), (path, name, response.json())
        answers[name] = response.json()
    tenant = example_tenant.tenant
    assert Job.objects.for_tenant(tenant).filter(model_key="stability-inpaint").exists()
    assert Batch.objects.for_tenant(tenant).count() == 2
    assert BrandTemplate.objects.for_tenant(tenant).filter(name="studio-shot").exists()
    assert answers["EstimateOnly"]["dry_run"] is True


def test_the_accepted_answer_example_is_the_four_drafts_answer(schema, owner, example_tenant):
    operation = schema["paths"][f"{API}/jobs"]["post"]
    sent = operation["requestBody"]["content"]["application/json"]["examples"]["FourDrafts"]
    shown = operation["responses"]["202"]["content"]["application/json"]["examples"][
        "Accepted"]["value"]
    answer = send(owner, f"{API}/jobs", "application/json", sent["value"]).json()
    assert set(answer) == set(shown)
    same = ("status", "model", "model_id", "operation", "prompt", "n", "seed", "size", "width",
            "height", "quality", "style", "stage", "estimated_cost_usd")
    assert {key: answer[key] for key in same} == {key: shown[key] for key in same}


# --- what the schema forbids, the server refuses --------------------------------------------------

def strict_bodies(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, component) of every POST body the schema closes to unknown fields."""
    components = schema["components"]["schemas"]
    return [(path, ref.rsplit("/", 1)[1]) for path, operations in schema["paths"].items()
            for described in operations.get("post", {}).get("requestBody", {}).get(
                "content", {}).values()
            if (ref := described.get("schema", {}).get("$ref", ""))
            and components[ref.rsplit("/", 1)[1]].get("additionalProperties") is False]


def test_the_bodies_that_refuse_unknown_fields_say_so(schema):
    closed = {component for _, component in strict_bodies(schema)}
    assert closed == {"JobRequest", "BatchRequest", "BatchUpload", "TemplateRequest",
                      "WebhookCreate", "WebhookRotate", "PromptSuggestRequest", "TrialRequest",
                      "TrialFavouriteRequest", "TrialAdoptRequest"}
    components = schema["components"]["schemas"]
    assert components["BatchItem"]["additionalProperties"] is False
    assert components["PatchedTemplateRequest"]["additionalProperties"] is False
    for open_body in ("UploadBase64", "UploadFile", "VerifyUpload"):  # extra fields ignored
        assert "additionalProperties" not in components[open_body]
    for answer in ("Job", "Template", "WebhookEndpoint", "Batch"):  # answers may grow
        assert "additionalProperties" not in components[answer]


@pytest.mark.parametrize(("path", "body"), [
    ("/jobs", {"model": "local", "prompt": "a lamp", "colour": "red"}),
    ("/templates", {"name": "t", "prompt": "a {subject}", "colour": "red"}),
    ("/webhooks", {"url": f"https://{EXAMPLE_HOOK_HOST}/a", "events": ["job.failed"],
                   "colour": "red"}),
    ("/batches", {"model": "local", "items": [{"sku": "A", "prompt": "a lamp"}],
                  "colour": "red"}),
])
def test_an_unknown_field_is_refused_naming_it(owner, acme, empty_queue, public_hook_host,
                                               path, body):
    response = owner.post(f"{API}{path}", body, format="json")
    assert response.status_code == 400, response.content
    assert (response.json()["field"], response.json()["message"]) == (
        "colour", "colour: unknown field")


@pytest.mark.parametrize("body", [{"overlap": 24}, {"overlap_hours": 1, "secret": "mine"}])
def test_rotate_secret_names_the_unknown_field(owner, acme, public_hook_host, body):
    created = owner.post(f"{API}/webhooks", {"url": f"https://{EXAMPLE_HOOK_HOST}/a",
                                             "events": ["job.failed"]}, format="json")
    assert created.status_code == 201, created.content
    response = owner.post(f"{API}/webhooks/{created.json()['id']}/rotate-secret", body,
                          format="json")
    field = next(name for name in body if name != "overlap_hours")
    assert response.status_code == 400
    assert (response.json()["field"], response.json()["message"]) == (
        field, f"{field}: unknown field")


def test_required_text_may_not_be_blank(schema, owner, acme):
    components = schema["components"]["schemas"]
    for component, fields in (("TemplateRequest", ("name", "prompt")),
                              ("PatchedTemplateRequest", ("name", "prompt")),
                              ("WebhookCreate", ("url",)), ("UploadBase64", ("data",)),
                              ("JobRequest", ("model", "operation", "template")),
                              ("BatchItem", ("sku", "model"))):
        for field in fields:
            assert components[component]["properties"][field]["minLength"] == 1, (
                component, field)
    for blank in ({"name": "t", "prompt": ""}, {"name": "", "prompt": "a {subject}"}):
        response = owner.post(f"{API}/templates", blank, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["field"] == next(key for key, value in blank.items()
                                                if not value)
    # A blank prompt is fine where the schema says so (a job's comes from its template).
    assert "minLength" not in components["JobRequest"]["properties"]["prompt"]
    assert "minLength" not in components["BatchRequest"]["properties"]["template"]


def test_a_batch_takes_one_row_or_more(schema, owner, acme):
    items = schema["components"]["schemas"]["BatchRequest"]["properties"]["items"]
    assert items["minItems"] == 1
    response = owner.post(f"{API}/batches", {"model": "local", "items": []}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "items"


@pytest.mark.parametrize("path", LISTS)
def test_limit_is_1_or_more_and_above_the_maximum_means_the_maximum(schema, owner, acme, path):
    limit = next(p for p in schema["paths"][f"{API}{path}"]["get"]["parameters"]
                 if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1}
    assert "200" in limit["description"]
    for refused in ("0", "-1"):
        response = owner.get(f"{API}{path}", {"limit": refused})
        assert response.status_code == 400 and response.json()["field"] == "limit"
    assert owner.get(f"{API}{path}", {"limit": "1"}).status_code == 200
    assert owner.get(f"{API}{path}", {"limit": "100000"}).status_code == 200


def test_the_idempotency_key_pattern_is_the_servers_rule(schema):
    header = next(p for p in schema["paths"][f"{API}/jobs"]["post"]["parameters"]
                  if p["name"] == "Idempotency-Key")["schema"]
    assert (header["minLength"], header["maxLength"]) == (1, KEY_MAX_CHARS)
    check = Draft202012Validator(header)
    # A header value reaches the server as Latin-1 text: every character it can hold, alone,
    # at either end and inside, plus the lengths and the all-spaces case.
    latin1 = [chr(code) for code in range(256)]
    candidates = [*latin1, *(f"k{c}y" for c in latin1), *(f" {c}" for c in latin1),
                  *(f"{c} " for c in latin1),
                  "", " ", "   ", " key ", "x" * KEY_MAX_CHARS, "x" * (KEY_MAX_CHARS + 1),
                  "order-1234", "3f2b6c1e-9d4a-4e7b-8c21-5a0f6e9d4b17", "café"]
    disagree = [key for key in candidates if check.is_valid(key) != valid_key(key)]
    assert not disagree
    assert not check.is_valid("tab\there") and not check.is_valid(" key")
    assert check.is_valid("café") and check.is_valid("a key")


@pytest.mark.parametrize(("key", "status"), [("   ", 400), (" key", 400), ("key ", 400),
                                             ("k\u00adey", 400), ("café", 202),
                                             ("a key", 202), ("x" * KEY_MAX_CHARS, 202)])
def test_the_server_applies_the_idempotency_key_pattern(owner, acme, empty_queue, key, status):
    response = owner.post(f"{API}/jobs", {"model": "local", "prompt": "a lamp",
                                          "size": "256x256"},
                          format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == status, response.content
    if status == 400:
        assert response.json()["field"] == "Idempotency-Key"


def test_verify_lists_the_image_types_it_reads(schema):
    body = schema["paths"][f"{API}/verify"]["post"]["requestBody"]["content"]
    types = "image/png, image/jpeg, image/webp, image/avif"
    assert body["multipart/form-data"]["encoding"] == {"file": {"contentType": types}}
    assert types in body["image/*"]["schema"]["description"]
    upload = schema["components"]["schemas"]["VerifyUpload"]["properties"]["file"]
    assert upload["format"] == "binary"
