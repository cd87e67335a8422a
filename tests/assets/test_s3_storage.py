"""Production storage: a job's images land in a private S3 bucket (SeaweedFS in CI) and are
delivered by presigned, expiring URLs."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request

import boto3
import pytest

from assets.models import Asset
from tests.conftest import manage, subprocess_env
from tests.helpers import temporary_bucket

pytestmark = pytest.mark.s3


@pytest.fixture
def bucket(s3_endpoint: str):
    with temporary_bucket() as name:
        yield name


def http_status(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_generated_images_are_private_encrypted_and_served_by_presigned_url(
        acme, transactional_db, bucket):
    env = subprocess_env(ATELIER_BUCKET=bucket, ATELIER_URL_TTL_SECONDS="120")
    result = manage("generate", "--tenant", "acme", "--model", "local", "--prompt",
                    "a silk tie", "--n", "2", "--size", "256x256", "--wait", "--json", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    job = json.loads(result.stdout)
    assert job["status"] == "succeeded"

    s3 = boto3.session.Session().client("s3")
    for printed in job["assets"]:
        asset = Asset.objects.for_tenant(acme.tenant).get(pk=printed["id"])
        head = s3.head_object(Bucket=bucket, Key=asset.storage_key)
        assert head["ServerSideEncryption"] == "AES256"
        assert head["ContentLength"] == asset.bytes

        status, body = http_status(printed["url"])
        assert status == 200
        assert hashlib.sha256(body).hexdigest() == asset.sha256
        assert "X-Amz-Expires=180" in printed["url"]  # the TTL and the minute it is stable for

        endpoint = s3.meta.endpoint_url.rstrip("/")
        assert http_status(f"{endpoint}/{bucket}/{asset.storage_key}")[0] == 403
        tampered = printed["url"].replace("X-Amz-Signature=", "X-Amz-Signature=0")
        assert http_status(tampered)[0] == 403
