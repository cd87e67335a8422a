"""Endpoints created before Standard Webhooks keep working: their secret (`whsec_` + 43
URL-safe characters, used whole as the HMAC key) still verifies, with the `standardwebhooks`
library once converted as docs/webhooks.md says (`whsec_` + base64 of it), and with the old
Atelier-Signature recipe, sent alongside until a rotation's overlap retires that secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from api import webhooks
from generation.models import WebhookDelivery, WebhookEndpoint

TOLERANCE_SECONDS = 300


def old_recipe(secret: str, header: str, body: bytes) -> bool:
    """The verifier partners copied from the docs before Standard Webhooks, as they wrote it."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def converted(legacy: str) -> str:
    """The documented conversion of a pre-standard secret for Standard Webhooks libraries."""
    return "whsec_" + base64.b64encode(legacy.encode()).decode()


def verifies(secret: str, request) -> bool:
    try:
        Webhook(secret).verify(request.body, request.headers)
    except WebhookVerificationError:
        return False
    return True


@pytest.fixture(params=["random", "no-url-safe-characters"])
def legacy(request, acme, receiver, private_webhooks):
    """An endpoint with a secret as the release before Standard Webhooks issued it (also one
    that happens to hold no `-` or `_`, so could pass for base64): (endpoint, secret)."""
    endpoint, _ = webhooks.create_endpoint(acme.tenant, f"{receiver.url}/hooks",
                                           ["job.succeeded"])
    secret = ("whsec_" + secrets.token_urlsafe(32) if request.param == "random"
              else "whsec_" + "Ab9" * 14 + "Z")
    WebhookEndpoint.unscoped.filter(pk=endpoint.pk).update(secret=secret)
    endpoint.refresh_from_db()
    return endpoint, secret


def deliver_one(tenant, receiver):
    webhooks.emit(tenant, "job.succeeded", {"job": {"id": "job-1", "status": "succeeded"}})
    delivery = WebhookDelivery.objects.for_tenant(tenant).latest("created_at")
    assert webhooks.deliver(delivery.pk) == "delivered"
    return delivery, receiver.requests[-1]


def test_a_legacy_secret_verifies_with_the_library_once_converted(legacy, acme, receiver):
    _, secret = legacy
    delivery, request = deliver_one(acme.tenant, receiver)
    assert Webhook(converted(secret)).verify(request.body, request.headers)["id"] == str(
        delivery.pk)
    assert not verifies(converted("whsec_" + secrets.token_urlsafe(32)), request)


def test_a_legacy_receiver_keeps_verifying_the_old_header(legacy, acme, receiver):
    _, secret = legacy
    delivery, request = deliver_one(acme.tenant, receiver)
    assert old_recipe(secret, request.headers["Atelier-Signature"], request.body)
    assert request.headers["Atelier-Event-Id"] == request.headers["webhook-id"] == str(
        delivery.pk)
    assert request.headers["Atelier-Event-Type"] == "job.succeeded"
    # the old header's timestamp is the attempt's, like webhook-timestamp
    assert request.headers["Atelier-Signature"].startswith(
        f"t={request.headers['webhook-timestamp']},v1=")


def test_the_old_header_still_refuses_tampering(legacy, acme, receiver):
    _, secret = legacy
    _, request = deliver_one(acme.tenant, receiver)
    header = request.headers["Atelier-Signature"]
    tampered = request.body.replace(b'"succeeded"', b'"failed"')
    assert not old_recipe(secret, header, tampered)
    timestamp = int(header.split(",")[0][2:])
    assert not old_recipe(secret, header.replace(f"t={timestamp}", f"t={timestamp + 1}"),
                          request.body)
    assert not old_recipe("whsec_" + secrets.token_urlsafe(32), header, request.body)


def test_rotation_retires_the_legacy_secret_and_its_header_after_the_overlap(legacy, acme,
                                                                            receiver):
    endpoint, old = legacy
    _, new = webhooks.rotate_secret(acme.tenant, endpoint.pk)
    _, during = deliver_one(acme.tenant, receiver)
    assert verifies(new, during) and verifies(converted(old), during)
    assert old_recipe(old, during.headers["Atelier-Signature"], during.body)

    WebhookEndpoint.unscoped.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1))
    _, after = deliver_one(acme.tenant, receiver)
    assert verifies(new, after) and not verifies(converted(old), after)
    assert not [name for name in after.headers if name.lower().startswith("atelier-")]
