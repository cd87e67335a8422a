"""Every webhook is signed: a receiver following docs/webhooks.md recomputes the HMAC from
the raw body and the timestamp, and anything tampered with or signed with another secret fails.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from api import webhooks
from generation.models import WebhookDelivery

TOLERANCE_SECONDS = 300


def verify(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    """The recipe of docs/webhooks.md, written as a partner would."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


@pytest.fixture
def delivered(acme, receiver, private_webhooks):
    """One job.succeeded event delivered to Acme's endpoint: (secret, what arrived, row)."""
    endpoint, secret = webhooks.create_endpoint(acme.tenant, f"{receiver.url}/hooks?src=atelier",
                                                ["job.succeeded"])
    webhooks.emit(acme.tenant, "job.succeeded", {"job": {"id": "job-1", "status": "succeeded"}})
    delivery = WebhookDelivery.objects.for_tenant(acme.tenant).get(endpoint=endpoint)
    assert webhooks.deliver(delivery.pk) == "delivered"
    [request] = receiver.requests
    return secret, request, delivery


def test_receiver_verifies_the_signature_with_the_documented_recipe(delivered):
    secret, request, _ = delivered
    assert request.path == "/hooks?src=atelier"
    assert request.headers["Content-Type"] == "application/json"
    assert verify(secret, request.headers["Atelier-Signature"], request.body)


def test_tampered_body_fails_verification(delivered):
    secret, request, _ = delivered
    tampered = request.body.replace(b'"succeeded"', b'"failed"')
    assert tampered != request.body
    assert not verify(secret, request.headers["Atelier-Signature"], tampered)


def test_signature_from_another_secret_fails_verification(delivered):
    _, request, _ = delivered
    assert not verify("whsec_not-the-endpoints-secret", request.headers["Atelier-Signature"],
                      request.body)


def test_old_timestamp_fails_verification_so_replays_are_refused(delivered):
    secret, request, _ = delivered
    later = time.time() + TOLERANCE_SECONDS + 60
    assert not verify(secret, request.headers["Atelier-Signature"], request.body, now=later)


def test_timestamp_is_part_of_what_is_signed(delivered):
    secret, request, _ = delivered
    signature = request.headers["Atelier-Signature"]
    timestamp = int(signature.split(",")[0][2:])
    moved = signature.replace(f"t={timestamp}", f"t={timestamp + 1}")
    assert not verify(secret, moved, request.body)


def test_event_id_header_equals_the_payload_id_and_the_delivery(delivered, acme):
    _, request, delivery = delivered
    payload = request.payload
    assert request.headers["Atelier-Event-Id"] == payload["id"] == str(delivery.pk)
    assert request.headers["Atelier-Event-Type"] == payload["type"] == "job.succeeded"
    assert payload["tenant"] == acme.tenant.slug
    assert payload["data"] == {"job": {"id": "job-1", "status": "succeeded"}}
    assert payload["created"]


def test_each_endpoint_gets_its_own_whsec_secret(acme, private_webhooks):
    _, first = webhooks.create_endpoint(acme.tenant, "http://127.0.0.1:9/a", ["job.failed"])
    _, second = webhooks.create_endpoint(acme.tenant, "http://127.0.0.1:9/b", ["job.failed"])
    assert first.startswith("whsec_") and second.startswith("whsec_")
    assert first != second and len(first) > 40
