"""Every answer of 400 and above under /api/ is the JSON error envelope with its status: 404
(unknown paths and ids of any shape), 405 (with `Allow`), 406, 413, 415, 429 (with
`Retry-After`) and 500, with DEBUG off (production) and on (development: Django answers an
unmatched URL with its HTML debug page unless a route catches it).

Each is asked of real paths, by the tenant's own key (owner), another tenant's (stranger) and
no key (anonymous), through the whole middleware stack."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection
from rest_framework.test import APIClient

from tenants.services import issue_api_key
from tests.conftest import api_client


def envelope(response: Any, status: int, code: str) -> dict[str, Any]:
    """The answer's envelope, after checking its status, content type and code."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    return body


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request: pytest.FixtureRequest, settings: Any) -> bool:
    settings.DEBUG = request.param
    return bool(request.param)


# --- 404 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/v1/nothing", "/api/v1/jobs/", "/api/v1/jobs/abc/nothing", "/api/v2/jobs", "/api/",
    "/api/v1/models/", "/api/schema/nothing"])
def test_a_path_no_endpoint_matches_is_a_json_404(debug, owner, anonymous, path):
    for client in (owner, anonymous):
        envelope(client.get(path), 404, "not_found")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_to_no_endpoint_is_a_json_404_not_a_csrf_page(debug, method):
    client = APIClient(enforce_csrf_checks=True)
    response = getattr(client, method)("/api/v1/nothing", {"a": "b"}, format="json")
    envelope(response, 404, "not_found")


@pytest.mark.parametrize("path", [
    "/api/v1/assets/0.5", "/api/v1/jobs/0.5", "/api/v1/jobs/0.5/contact-sheet",
    "/api/v1/jobs/0.5/archive", "/api/v1/batches/a.b/results", "/api/v1/templates/x.y",
    "/api/v1/webhooks/1.0/deliveries", "/api/v1/jobs/%20"])
def test_an_id_of_any_shape_reaches_its_endpoint(debug, owner, anonymous, path):
    """Not a UUID, with a dot: the endpoint's own 404 for the tenant, 401 without a key (an
    unmatched URL would skip authentication and answer Django's page under DEBUG)."""
    envelope(owner.get(path), 404, "not_found")
    envelope(anonymous.get(path), 401, "not_authenticated")


def test_another_tenants_objects_are_a_json_404(debug, owner, stranger, submit):
    job = submit(n=1)
    assert owner.get(f"/api/v1/jobs/{job.pk}").status_code == 200
    envelope(stranger.get(f"/api/v1/jobs/{job.pk}"), 404, "not_found")
    envelope(stranger.post(f"/api/v1/jobs/{job.pk}/cancel"), 404, "not_found")


def test_a_path_that_exists_with_a_slash_is_still_redirected(debug, anonymous):
    response = anonymous.get("/api/schema")
    assert response.status_code == 301
    assert response["Location"] == "/api/schema/"


def test_pages_outside_the_api_keep_djangos_404(owner):
    response = owner.get("/no-such-page/anywhere")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- 405, 406, 415 -------------------------------------------------------------------------

def test_a_method_an_endpoint_lacks_is_405_with_allow(debug, owner, submit):
    job = submit(n=1)
    body = envelope(owner.put("/api/v1/jobs", {}, format="json"), 405, "method_not_allowed")
    assert "PUT" in body["message"]
    allowed = owner.delete(f"/api/v1/jobs/{job.pk}")
    envelope(allowed, 405, "method_not_allowed")
    assert {"GET"} <= {m.strip() for m in allowed["Allow"].split(",")}
    assert "DELETE" not in allowed["Allow"]


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_its_pages_answer_errors_in_json_too(debug, anonymous, path):
    """Their own renderers are YAML and HTML; an error is JSON all the same."""
    refused = anonymous.post(path)
    envelope(refused, 405, "method_not_allowed")
    assert "GET" in refused["Allow"]
    assert anonymous.get(path).status_code == 200


def test_an_accept_header_nothing_satisfies_is_406(debug, owner, anonymous):
    envelope(owner.get("/api/v1/jobs", HTTP_ACCEPT="text/html"), 406, "not_acceptable")
    envelope(anonymous.get("/api/schema/", HTTP_ACCEPT="text/html"), 406, "not_acceptable")


def test_a_body_type_an_endpoint_does_not_read_is_415(debug, owner):
    response = owner.post("/api/v1/jobs", "model=local", content_type="text/plain")
    envelope(response, 415, "unsupported_media_type")
    response = owner.post("/api/v1/templates", b"<x/>", content_type="application/xml")
    envelope(response, 415, "unsupported_media_type")


# --- 413 -----------------------------------------------------------------------------------

def test_a_body_over_an_uploads_cap_is_413_unread(debug, owner, settings):
    settings.ATELIER_UPLOAD_MAX_BYTES = 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    big = b"x" * 200_000
    response = owner.generic("POST", "/api/v1/uploads", big, content_type="image/png")
    body = envelope(response, 413, "request_too_large")
    assert body["field"] == "body"


def test_a_json_body_over_djangos_cap_is_413(debug, owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "x" * 5000},
                          format="json")
    body = envelope(response, 413, "request_too_large")
    assert body["field"] == "body"


# --- 429 -----------------------------------------------------------------------------------

def test_a_key_past_its_rate_is_429_with_retry_after(debug, acme):
    tight = api_client(issue_api_key(acme.tenant, name="tight", rate_limit_per_minute=1).secret)
    assert tight.get("/api/v1/models").status_code == 200
    refused = tight.get("/api/v1/models")
    envelope(refused, 429, "rate_limited")
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_wrong_keys_from_one_address_are_429_with_retry_after(debug, db, settings):
    cache.clear()  # the address's count of wrong keys
    settings.ATELIER_API_AUTH_FAILURE_LIMIT = 2
    guesser = api_client("atl_wrong_key")
    answers = [guesser.get("/api/v1/jobs") for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    envelope(answers[2], 429, "rate_limited")
    assert int(answers[2]["Retry-After"]) >= 1


# --- 400 and 500 from Django itself ---------------------------------------------------------

def test_a_host_not_allowed_is_a_json_400(owner, settings):
    """DisallowedHost is raised before any view; with DEBUG off Django asks handler400."""
    settings.ALLOWED_HOSTS = ["atelier.example"]
    response = owner.get("/api/v1/jobs", HTTP_HOST="elsewhere.example")
    envelope(response, 400, "invalid_request")


def test_an_unexpected_error_is_a_json_500_without_internals(owner, settings):
    """The database fails under the endpoint (DEBUG off, as in production): handler500's
    envelope, naming nothing of the failure."""
    owner.raise_request_exception = False

    def failing(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "billing_" in sql:
            raise DatabaseError("relation billing_ledger is on fire")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(failing):
        response = owner.get("/api/v1/usage")
    body = envelope(response, 500, "server_error")
    assert "fire" not in response.content.decode()
    assert set(body) == {"code", "message"}
