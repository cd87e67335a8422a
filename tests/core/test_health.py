"""Liveness and readiness: probes by IP over plain HTTP answer, and /readyz names what fails."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from django.test import Client

from tests.conftest import ROOT, subprocess_env
from tests.helpers import temporary_bucket

CLOSED = "127.0.0.1:9"  # the discard port: nothing listens on loopback here

PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/readyz", HTTP_HOST="10.0.3.7:8000")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def readyz_in_subprocess(**variables: str) -> tuple[int, dict]:
    """/readyz from a fresh process with config.settings under these variables."""
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env=subprocess_env(**variables))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["status"], answer["body"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_by_ip_over_plain_http_are_not_refused(path, db, settings):
    settings.ALLOWED_HOSTS = ["atelier.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(path, HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"


def test_other_paths_still_check_the_host(db, settings):
    settings.ALLOWED_HOSTS = ["atelier.example.com"]
    assert Client().get("/api/v1/models", HTTP_HOST="10.0.3.7:8000").status_code == 400


def test_healthz_does_not_touch_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_names_each_check_with_its_latency(client, db):
    body = client.get("/readyz").json()
    assert set(body["checks"]) == {"database", "migrations", "redis", "storage"}
    for check in body["checks"].values():
        assert check["ok"] is True and check["ms"] >= 0


def test_readyz_fails_when_the_database_is_down(db):
    status, body = readyz_in_subprocess(DATABASE_URL=f"postgres://app:pw@{CLOSED}/atelier")
    assert status == 503 and body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is False
    assert "OperationalError" in body["checks"]["database"]["error"]
    assert body["checks"]["storage"]["ok"] is True


def test_readyz_fails_when_redis_is_down(db):
    status, body = readyz_in_subprocess(REDIS_URL=f"redis://{CLOSED}/0")
    assert status == 503
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_readyz_fails_when_the_bucket_is_unreachable(db):
    status, body = readyz_in_subprocess(
        ATELIER_BUCKET="atelier-images", AWS_ENDPOINT_URL_S3=f"http://{CLOSED}",
        AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1")
    assert status == 503
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_readyz_fails_when_the_bucket_is_missing(db, s3_endpoint):
    status, body = readyz_in_subprocess(ATELIER_BUCKET=f"atelier-missing-{uuid.uuid4().hex[:8]}")
    assert status == 503 and body["checks"]["storage"]["ok"] is False


def test_readyz_is_ready_on_real_redis_and_s3(db, redis_url, s3_endpoint):
    with temporary_bucket("atelier-ready") as bucket:
        status, body = readyz_in_subprocess(REDIS_URL=redis_url, ATELIER_BUCKET=bucket)
    assert status == 200, body
    assert all(check["ok"] for check in body["checks"].values())


def test_a_metrics_scraper_by_ip_over_plain_http_reaches_the_token_check(db, settings):
    settings.ALLOWED_HOSTS = ["atelier.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    settings.ATELIER_METRICS_TOKEN = "scrape-me"
    client = Client()
    assert client.get("/metrics", HTTP_HOST="10.0.3.7:8000").status_code == 401
    answer = client.get("/metrics", HTTP_HOST="10.0.3.7:8000",
                        HTTP_AUTHORIZATION="Bearer scrape-me")
    assert answer.status_code == 200 and b"atelier_images_total" in answer.content
