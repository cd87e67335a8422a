"""The schema as client generators read it (docs/sdk.md): what a generated client needs to
work whole, checked on the schema itself (tests/api/test_sdk_client.py runs the client)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command

from api.schema import OPERATIONS


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 "--file", str(path))
    return json.loads(path.read_text())


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, operation) for path, methods in schema["paths"].items()
            for method, operation in methods.items() if path.startswith("/api/v1/")]


def component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["components"]["schemas"][name]


def test_every_operation_is_named_and_described_for_partners(schema):
    found = operations(schema)
    assert {(method, path) for method, path, _ in found} == set(OPERATIONS)
    ids = [operation["operationId"] for _, _, operation in found]
    assert len(ids) == len(set(ids))
    for method, path, operation in found:
        assert operation["operationId"] == OPERATIONS[(method, path)].id
        assert operation["summary"] and operation["description"], (method, path)
        assert "viewset" not in operation["description"].lower(), (method, path)
        assert "TenantAPIView" not in operation["description"], (method, path)


def test_no_request_field_has_a_default_the_template_or_server_would_lose_to(schema):
    for name in ("JobRequest", "BatchItem"):
        properties = component(schema, name)["properties"]
        defaulted = {field for field, spec in properties.items() if "default" in spec}
        assert not defaulted, (name, defaulted)
    assert component(schema, "BatchItem")["required"] == ["sku"]
    assert "required" not in component(schema, "JobRequest")


def test_files_are_binary_and_each_body_shape_has_its_own_schema(schema):
    upload = schema["paths"]["/api/v1/uploads"]["post"]["requestBody"]["content"]
    assert upload["multipart/form-data"]["schema"]["$ref"].endswith("/UploadFile")
    assert upload["application/json"]["schema"]["$ref"].endswith("/UploadBase64")
    assert component(schema, "UploadFile")["properties"]["file"]["format"] == "binary"
    assert component(schema, "UploadBase64")["required"] == ["data"]
    batch = schema["paths"]["/api/v1/batches"]["post"]["requestBody"]["content"]
    assert set(batch) == {"application/json", "multipart/form-data", "text/csv"}
    assert batch["text/csv"]["schema"] == {"type": "string", "format": "binary"}
    assert component(schema, "BatchUpload")["properties"]["file"]["format"] == "binary"


@pytest.mark.parametrize("path, media_type", [
    ("/api/v1/jobs/{id}/archive", "application/zip"),
    ("/api/v1/batches/{id}/archive", "application/zip"),
    ("/api/v1/jobs/{id}/contact-sheet", "image/png"),
])
def test_binary_answers_are_described(schema, path, media_type):
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert content == {media_type: {"schema": {"type": "string", "format": "binary"}}}


@pytest.mark.parametrize("name, fields", [
    ("Job", {"id", "status", "model", "prompt", "n", "seed", "size", "error", "assets",
             "created_at", "finished_at"}),
    ("JobList", {"id", "status", "model", "created_at"}),
    ("Asset", {"id", "kind", "url", "url_expires_at", "thumbnail_url", "renditions",
               "width", "height", "stage", "moderation_status"}),
    ("Rendition", {"kind", "format", "width", "height", "bytes", "url"}),
    ("CatalogModel", {"key", "operations", "limits", "params", "prices", "lifecycle"}),
    ("Usage", {"month", "images", "spend_usd"}),
    ("Estimate", {"dry_run", "estimated_cost_usd", "quota"}),
    ("Error", {"code", "message"}),
    ("RowError", {"row", "column", "code", "message"}),
    ("Batch", {"id", "status", "progress", "counts"}),
    ("BatchResult", {"job", "status", "error", "assets"}),
    ("Template", {"id", "name", "prompt", "slots", "model", "operation"}),
    ("WebhookEndpoint", {"id", "url", "events", "is_active"}),
])
def test_answers_mark_what_is_always_there_required(schema, name, fields):
    assert fields <= set(component(schema, name)["required"]), name


def test_error_extras_are_typed(schema):
    properties = component(schema, "Error")["properties"]
    assert properties["missing"]["items"] == {"type": "string"}
    assert properties["errors"]["items"]["$ref"].endswith("/RowError")
    assert properties["images_left"]["type"] == "integer"


def test_the_webhooks_are_described_one_schema_per_event_family(schema):
    from api.webhooks import EVENTS, TEST_EVENT

    assert set(schema["webhooks"]) == {*EVENTS, TEST_EVENT}
    for event, described in schema["webhooks"].items():
        body = described["post"]["requestBody"]["content"]["application/json"]["schema"]
        envelope = component(schema, body["$ref"].rsplit("/", 1)[1])
        assert {"id", "type", "created", "tenant", "data"} <= set(envelope["required"])
        types = envelope["properties"]["type"]
        enum = component(schema, types["$ref"].rsplit("/", 1)[1])["enum"] if "$ref" in types \
            else types["enum"]
        assert event in enum


def test_no_schema_says_null_the_30_way(schema):
    """OpenAPI 3.1 has no `nullable` (JSON Schema ignores it): null is `type: [..., "null"]`,
    so that validators (schemathesis, jsonschema) and generators read the same thing. The
    cursor pages' links (DRF's own schema) were the ones left in 3.0 terms."""
    text = json.dumps(schema)
    assert '"nullable"' not in text
    for name, component in schema["components"]["schemas"].items():
        if name.startswith("Paginated"):
            for link in ("next", "previous"):
                assert component["properties"][link]["type"] == ["string", "null"], name
