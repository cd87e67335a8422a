"""Deployed behaviour: JSON errors on API paths, the schema and docs, liveness."""


def test_unknown_api_paths_answer_json_404(client, settings):
    settings.DEBUG = False
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_schema_and_docs_are_served_without_a_key(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/jobs" in schema.content and b"ApiKey" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_healthz_reports_ok(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
