"""Production settings: DEBUG=0 with a real SECRET_KEY passes `check --deploy` cleanly."""

import secrets

from .conftest import manage, subprocess_env


def test_check_deploy_has_no_warnings_in_production_mode(db):
    env = subprocess_env(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(60))
    env.pop("ATELIER_HTTPS")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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
