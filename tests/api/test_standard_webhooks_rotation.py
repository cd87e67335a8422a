"""Rotating an endpoint's signing secret: during the overlap every message carries two
signatures, so a receiver holding either secret verifies it with the `standardwebhooks`
library; after it only the new secret does. POST /api/v1/webhooks/{id}/rotate-secret does it
for the owner only (another tenant's endpoint is a 404) and shows the new secret once."""

from __future__ import annotations

import base64
import os
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from standardwebhooks import Webhook, WebhookVerificationError

from api import webhooks
from generation.models import WebhookDelivery, WebhookEndpoint


def verifies(secret: str, request) -> bool:
    try:
        Webhook(secret).verify(request.body, request.headers)
    except WebhookVerificationError:
        return False
    return True


@pytest.fixture
def endpoint(acme, receiver, private_webhooks):
    """(endpoint, its first secret)."""
    return webhooks.create_endpoint(acme.tenant, f"{receiver.url}/hooks", ["job.failed"])


def queue_one(tenant) -> WebhookDelivery:
    webhooks.emit(tenant, "job.failed", {"job": {"id": "job-1"}})
    return WebhookDelivery.objects.for_tenant(tenant).latest("created_at")


def deliver_one(tenant, receiver):
    """Emit and deliver one event; what the receiver got."""
    delivery = queue_one(tenant)
    assert webhooks.deliver(delivery.pk) == "delivered"
    return receiver.requests[-1]


def end_overlap(endpoint: WebhookEndpoint) -> None:
    WebhookEndpoint.unscoped.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1))


# --- what receivers see ------------------------------------------------------------------------

def test_during_the_overlap_both_secrets_verify_then_only_the_new_one(acme, endpoint,
                                                                      receiver):
    row, old = endpoint
    rotated, new = webhooks.rotate_secret(acme.tenant, row.pk)
    assert new != old and new.startswith("whsec_")
    assert rotated.previous_secret_expires_at - timezone.now() > timedelta(hours=23, minutes=59)

    during = deliver_one(acme.tenant, receiver)
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert verifies(old, during) and verifies(new, during)
    assert not verifies("whsec_" + base64.b64encode(os.urandom(32)).decode(), during)

    end_overlap(row)
    after = deliver_one(acme.tenant, receiver)
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert verifies(new, after) and not verifies(old, after)


def test_no_overlap_stops_the_old_secret_at_once(acme, endpoint, receiver):
    row, old = endpoint
    rotated, new = webhooks.rotate_secret(acme.tenant, row.pk, overlap_hours=0)
    assert rotated.previous_secret_expires_at is None
    request = deliver_one(acme.tenant, receiver)
    assert verifies(new, request) and not verifies(old, request)


def test_rotating_again_within_the_overlap_drops_the_oldest_secret(acme, endpoint, receiver):
    row, first = endpoint
    _, second = webhooks.rotate_secret(acme.tenant, row.pk)
    _, third = webhooks.rotate_secret(acme.tenant, row.pk, overlap_hours=2)
    request = deliver_one(acme.tenant, receiver)
    assert verifies(third, request) and verifies(second, request)
    assert not verifies(first, request)


def test_a_retry_after_a_rotation_keeps_its_id_and_is_signed_with_the_new_secrets(
        acme, endpoint, receiver):
    row, old = endpoint
    receiver.fail_first(1)
    delivery = queue_one(acme.tenant)
    assert webhooks.deliver(delivery.pk) == "pending"
    _, new = webhooks.rotate_secret(acme.tenant, row.pk, overlap_hours=0)
    assert webhooks.deliver(delivery.pk) == "delivered"
    before, after = receiver.requests
    assert before.headers["webhook-id"] == after.headers["webhook-id"] == str(delivery.pk)
    assert verifies(old, before) and not verifies(new, before)
    assert verifies(new, after) and not verifies(old, after)


@pytest.mark.parametrize("overlap", [-1, webhooks.MAX_OVERLAP_HOURS + 1, 1.5, True, "24"])
def test_the_service_refuses_a_bad_overlap_naming_the_field(acme, endpoint, overlap):
    row, secret = endpoint
    with pytest.raises(webhooks.InvalidParameter) as refused:
        webhooks.rotate_secret(acme.tenant, row.pk, overlap_hours=overlap)
    assert refused.value.field == "overlap_hours"
    row.refresh_from_db()
    assert row.secret == secret  # nothing rotated


# --- the API -----------------------------------------------------------------------------------

@pytest.fixture
def created(owner, private_webhooks):
    response = owner.post("/api/v1/webhooks", {"url": "http://127.0.0.1:9/hooks",
                                                "events": ["job.failed"]}, format="json")
    assert response.status_code == 201
    return response.json()


def rotate(client, endpoint_id, body=None, **headers):
    return client.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret", body, format="json",
                       **headers)


def test_the_owner_rotates_and_sees_the_new_secret_only_then(owner, created, acme):
    response = rotate(owner, created["id"])
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["id"] == created["id"] and answer["url"] == created["url"]
    new = answer["secret"]
    assert new.startswith("whsec_") and new != created["secret"]
    assert "no-store" in response.headers["Cache-Control"]
    expires = parse_datetime(answer["previous_secret_expires_at"])
    assert timedelta(hours=23, minutes=59) < expires - timezone.now() <= timedelta(hours=24)
    stored = WebhookEndpoint.objects.for_tenant(acme.tenant).get(pk=created["id"])
    assert (stored.secret, stored.previous_secret) == (new, created["secret"])

    detail = owner.get(f"/api/v1/webhooks/{created['id']}")
    assert detail.status_code == 200 and "secret" not in detail.json()
    assert detail.json()["previous_secret_expires_at"] == answer["previous_secret_expires_at"]
    for page in (detail, owner.get("/api/v1/webhooks")):
        assert new not in page.content.decode()
        assert created["secret"] not in page.content.decode()


@pytest.mark.parametrize(("body", "expires_in"), [
    ({"overlap_hours": 2}, timedelta(hours=2)), ({"overlap_hours": 0}, None)])
def test_the_overlap_is_chosen_per_rotation(owner, created, body, expires_in):
    answer = rotate(owner, created["id"], body).json()
    if expires_in is None:
        assert answer["previous_secret_expires_at"] is None
    else:
        expires = parse_datetime(answer["previous_secret_expires_at"])
        assert expires_in - timedelta(minutes=1) < expires - timezone.now() <= expires_in


@pytest.mark.parametrize(("body", "field"), [
    ({"overlap_hours": -1}, "overlap_hours"),
    ({"overlap_hours": webhooks.MAX_OVERLAP_HOURS + 1}, "overlap_hours"),
    ({"overlap_hours": "a day"}, "overlap_hours"),
    ({"overlap_hours": 1.5}, "overlap_hours"),
    ({"overlap_hours": None}, "overlap_hours"),
    ({"overlap": 24}, "overlap"),
    ({"secret": "whsec_mine"}, "secret"),
])
def test_bad_input_is_a_400_naming_the_field_and_rotates_nothing(owner, created, acme, body,
                                                                  field):
    response = rotate(owner, created["id"], body)
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["field"] == field and error["message"].startswith(f"{field}: ")
    stored = WebhookEndpoint.objects.for_tenant(acme.tenant).get(pk=created["id"])
    assert stored.secret == created["secret"] and stored.previous_secret == ""


def test_another_tenant_gets_a_404_and_rotates_nothing(stranger, owner, created, acme):
    response = rotate(stranger, created["id"])
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "secret" not in response.json() and created["url"] not in response.content.decode()
    stored = WebhookEndpoint.objects.for_tenant(acme.tenant).get(pk=created["id"])
    assert stored.secret == created["secret"] and stored.previous_secret == ""
    assert rotate(owner, created["id"]).status_code == 200  # the owner still can


@pytest.mark.parametrize("endpoint_id", ["0" * 8 + "-0000-4000-8000-" + "0" * 12, "not-a-uuid"])
def test_an_unknown_endpoint_is_a_404(owner, endpoint_id):
    response = rotate(owner, endpoint_id)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_anonymous_gets_401_and_a_read_only_key_403(anonymous, read_only, created, acme):
    assert rotate(anonymous, created["id"]).status_code == 401
    refused = rotate(read_only, created["id"])
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    stored = WebhookEndpoint.objects.for_tenant(acme.tenant).get(pk=created["id"])
    assert stored.secret == created["secret"]


def test_the_schema_describes_the_rotation_for_partners(anonymous):
    schema = anonymous.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/webhooks/{id}/rotate-secret"]["post"]
    assert operation["summary"] == "Rotate the signing secret"
    assert "overlap_hours" in operation["description"]
    assert "webhook-signature" in operation["description"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    overlap = schema["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"][
        "overlap_hours"]
    assert (overlap["minimum"], overlap["maximum"]) == (0, webhooks.MAX_OVERLAP_HOURS)
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][answer.rsplit("/", 1)[1]]["properties"]
    assert {"secret", "previous_secret_expires_at", "id", "url"} <= set(properties)
    assert {"404", "401", "403"} <= set(operation["responses"])
