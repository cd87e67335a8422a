"""Settings → Photos from your own bucket: the owner connects a bucket and prefix, is shown the
token and the bucket policy, verifies and disconnects; members may not (403), another tenant's
user finds no such tenant (404), and nobody signed out gets past the sign-in page."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.urls import reverse

from tenants.bucket_connections import VERIFICATION_FILE, bucket_connection
from tests.assets.test_tenant_bucket import Merchant, merchant_bucket
from tests.factories import MembershipFactory
from tests.helpers import signed_in

SETTINGS = reverse("dashboard-settings", args=["acme"])


@pytest.fixture
def merchant(s3_endpoint: str) -> Iterator[Merchant]:
    with merchant_bucket() as found:
        yield found


def connect(client, bucket: str = "acme-photos", prefix: str = "catalog"):
    return client.post(SETTINGS, {"bucket_action": "connect", "bucket": bucket,
                                  "prefix": prefix}, follow=True)


def test_the_owner_connects_and_is_shown_the_token_and_the_policy(browser, acme):
    response = connect(browser)
    assert response.status_code == 200
    connection = bucket_connection(acme.tenant)
    assert (connection.bucket, connection.prefix, connection.verified_at) == (
        "acme-photos", "catalog/", None)
    page = response.content.decode()
    assert "Connected s3://acme-photos/catalog/" in page and "Not verified" in page
    assert connection.token in page
    assert f"s3://acme-photos/catalog/{VERIFICATION_FILE}" in page
    policy = json.loads(response.context["bucket"]["policy"])
    (statement,) = policy["Statement"]
    assert (statement["Action"], statement["Resource"]) == (
        "s3:GetObject", "arn:aws:s3:::acme-photos/catalog/*")

    browser.post(SETTINGS, {"bucket_action": "disconnect"})
    assert bucket_connection(acme.tenant) is None


def test_atelier_s_bucket_and_bad_names_are_refused(browser, acme, settings):
    settings.ATELIER_BUCKET = "atelier-prod-images"
    response = connect(browser, bucket="atelier-prod-images")
    assert "bucket: that is Atelier&#x27;s own bucket" in response.content.decode()
    response = connect(browser, bucket="Acme_Photos")
    assert b"bucket: 3 to 63 lower-case letters" in response.content
    response = connect(browser, prefix="../other")
    assert b"prefix:" in response.content
    assert bucket_connection(acme.tenant) is None


def test_a_member_may_not_connect_a_bucket(acme):
    membership = MembershipFactory(tenant=acme.tenant, role="member",
                                   user__username="m@acme.test", user__email="m@acme.test")
    client = signed_in(membership.user)
    assert connect(client).status_code == 403
    assert client.get(SETTINGS).status_code == 403
    assert bucket_connection(acme.tenant) is None


def test_another_tenants_user_finds_no_such_tenant(acme, globex, other):
    assert connect(other).status_code == 404
    assert bucket_connection(acme.tenant) is None and bucket_connection(globex.tenant) is None


def test_anonymous_is_sent_to_sign_in(client, acme):
    response = client.post(SETTINGS, {"bucket_action": "connect", "bucket": "acme-photos"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert bucket_connection(acme.tenant) is None


@pytest.mark.s3
def test_the_owner_verifies_with_the_token_file(browser, acme, merchant):
    connect(browser, bucket=merchant.bucket, prefix="photos/")
    token = bucket_connection(acme.tenant).token
    merchant.put(f"photos/{VERIFICATION_FILE}", b"someone else's token")
    refused = browser.post(SETTINGS, {"bucket_action": "verify"}, follow=True)
    assert b"does not hold this account" in refused.content
    assert bucket_connection(acme.tenant).verified_at is None
    merchant.put(f"photos/{VERIFICATION_FILE}", token.encode())
    verified = browser.post(SETTINGS, {"bucket_action": "verify"}, follow=True)
    assert f"Verified: batches may name photos under s3://{merchant.bucket}/photos/".encode() in (
        verified.content)
    assert bucket_connection(acme.tenant).verified_at is not None
    assert token not in verified.content.decode()  # proved: the page no longer shows it
