"""Deliveries follow the Standard Webhooks specification: a partner verifies them with the
specification's own library (`standardwebhooks`), not with anything of Atelier's. A tampered
body, id or timestamp, another secret, or a replay after the five-minute tolerance fails, and
every retry of a message keeps its webhook-id, the receiver's idempotency key."""

from __future__ import annotations

import base64
import os
import time
from datetime import datetime, timedelta, tzinfo
from typing import Any

import pytest
import standardwebhooks.webhooks
from standardwebhooks import Webhook, WebhookVerificationError

from api import webhooks
from generation.models import WebhookDelivery

JOB = {"job": {"id": "job-1", "status": "succeeded"}}


def some_other_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def endpoint(acme, receiver, private_webhooks):
    """Acme's endpoint on the local receiver: (endpoint, its secret as shown once)."""
    return webhooks.create_endpoint(acme.tenant, f"{receiver.url}/hooks?src=atelier",
                                    ["job.succeeded"])


def emit_one(tenant) -> WebhookDelivery:
    webhooks.emit(tenant, "job.succeeded", JOB)
    return WebhookDelivery.objects.for_tenant(tenant).latest("created_at")


@pytest.fixture
def delivered(acme, endpoint, receiver):
    """One job.succeeded delivered: (secret, what arrived, the delivery row)."""
    delivery = emit_one(acme.tenant)
    assert webhooks.deliver(delivery.pk) == "delivered"
    [request] = receiver.requests
    return endpoint[1], request, delivery


def receiver_clock_ahead(monkeypatch, by: timedelta) -> None:
    """The receiver's clock (the library's `datetime.now`) `by` ahead: a replay that late."""

    class Later(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Any:
            return datetime.now(tz) + by

    monkeypatch.setattr(standardwebhooks.webhooks, "datetime", Later)


def test_a_delivery_verifies_with_the_standard_webhooks_library(delivered, acme):
    secret, request, delivery = delivered
    assert request.path == "/hooks?src=atelier"
    assert request.headers["Content-Type"] == "application/json"
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload == request.payload
    assert payload["type"] == "job.succeeded" and payload["data"] == JOB
    assert payload["tenant"] == acme.tenant.slug and payload["created"]
    assert request.headers["webhook-id"] == payload["id"] == str(delivery.pk)
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 30
    [signature] = request.headers["webhook-signature"].split(" ")
    assert signature.startswith("v1,") and len(base64.b64decode(signature[3:])) == 32


def test_a_new_endpoint_gets_only_the_standard_headers(delivered):
    _, request, _ = delivered
    assert not [name for name in request.headers if name.lower().startswith("atelier-")]


def test_a_tampered_body_fails_verification(delivered):
    secret, request, _ = delivered
    tampered = request.body.replace(b'"succeeded"', b'"failed"')
    assert tampered != request.body
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(secret).verify(tampered, request.headers)


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp"])
def test_the_id_and_the_timestamp_are_signed_too(delivered, header):
    secret, request, _ = delivered
    value = request.headers[header]
    moved = str(int(value) - 1) if header == "webhook-timestamp" else value[:-1] + (
        "0" if value[-1] != "0" else "1")
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(secret).verify(request.body, {**request.headers, header: moved})


def test_another_secret_fails_verification(delivered):
    _, request, _ = delivered
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(some_other_secret()).verify(request.body, request.headers)


def test_a_replay_after_the_tolerance_fails_verification(delivered, monkeypatch):
    secret, request, _ = delivered
    receiver_clock_ahead(monkeypatch, timedelta(minutes=4))
    assert Webhook(secret).verify(request.body, request.headers)  # still within five minutes
    receiver_clock_ahead(monkeypatch, timedelta(minutes=6))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(request.body, request.headers)


def test_every_retry_keeps_the_webhook_id_and_verifies(acme, endpoint, receiver):
    _, secret = endpoint
    receiver.fail_first(2)
    delivery = emit_one(acme.tenant)
    assert [webhooks.deliver(delivery.pk) for _ in range(3)] == [
        "pending", "pending", "delivered"]
    delivery.refresh_from_db()
    assert [entry["status"] for entry in delivery.log] == [500, 500, 200]
    requests = receiver.requests
    assert len(requests) == 3
    assert {request.headers["webhook-id"] for request in requests} == {str(delivery.pk)}
    for request in requests:  # each attempt is signed afresh, with its own timestamp
        assert Webhook(secret).verify(request.body, request.headers)["id"] == str(delivery.pk)


def test_a_test_ping_is_signed_the_same_way(acme, endpoint, receiver):
    endpoint_row, secret = endpoint
    delivery = webhooks.send_test(acme.tenant, endpoint_row.pk)
    assert webhooks.deliver(delivery.pk) == "delivered"
    [request] = receiver.requests
    assert Webhook(secret).verify(request.body, request.headers)["type"] == "ping"
    assert request.headers["webhook-id"] == str(delivery.pk)


def test_each_endpoint_gets_its_own_standard_secret(acme, private_webhooks):
    _, first = webhooks.create_endpoint(acme.tenant, "http://127.0.0.1:9/a", ["job.failed"])
    _, second = webhooks.create_endpoint(acme.tenant, "http://127.0.0.1:9/b", ["job.failed"])
    assert first != second
    for secret in (first, second):
        assert secret.startswith("whsec_")
        # standard base64, padded, as strict decoders (the Node library's) require
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
        Webhook(secret)  # the library takes it as it is
