"""An answer that shows a secret once is never kept by a cache (`Cache-Control: no-store`), and
the secret is not kept for Idempotency-Key replays either: a replay shows the rest of the
answer, the secret as null and a note saying why."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from generation.models import WebhookEndpoint
from tenants.models import ApiKey, IdempotencyRecord
from tenants.services import ensure_owner
from tests.helpers import signed_in

HOOK = {"url": "https://hooks.example.com/atelier", "events": ["job.succeeded"]}


def no_store(response) -> bool:
    return "no-store" in {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.fixture
def public_dns(monkeypatch):
    from api import webhook_http

    def getaddrinfo(host, port, *args, **kwargs):
        return [(2, 1, 6, "", ("93.184.215.14", port))]

    monkeypatch.setattr(webhook_http.socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def merchant(acme):
    user, _ = ensure_owner(acme.tenant, "owner@acme.test", "correct horse battery")
    return signed_in(user)


def create_webhook(client, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/webhooks", HOOK, format="json", **headers)


def test_a_new_webhook_endpoints_secret_is_not_stored_by_caches(owner, acme, public_dns):
    response = create_webhook(owner)
    assert response.status_code == 201
    endpoint = WebhookEndpoint.objects.for_tenant(acme.tenant).get()
    assert response.json()["secret"] == endpoint.secret
    assert no_store(response)
    assert "note" not in response.json()


def test_other_webhook_answers_show_no_secret(owner, acme, public_dns):
    created = create_webhook(owner).json()
    for answer in (owner.get(f"/api/v1/webhooks/{created['id']}"), owner.get("/api/v1/webhooks")):
        assert answer.status_code == 200
        assert created["secret"] not in answer.content.decode()


def test_a_replay_shows_the_endpoint_without_its_secret(owner, acme, public_dns):
    first = create_webhook(owner, key="hook-1")
    second = create_webhook(owner, key="hook-1")
    assert first.status_code == second.status_code == 201
    assert WebhookEndpoint.objects.for_tenant(acme.tenant).count() == 1  # the work done once
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Location"] == first.headers["Location"]
    assert no_store(first) and no_store(second)
    original, replayed = first.json(), second.json()
    assert replayed["secret"] is None and original["secret"].startswith("whsec_")
    assert "shown only in that answer" in replayed["note"]
    assert {k: v for k, v in replayed.items() if k not in ("secret", "note")} == {
        k: v for k, v in original.items() if k != "secret"}


def test_the_idempotency_record_never_holds_the_secret(owner, acme, public_dns):
    secret = create_webhook(owner, key="hook-2").json()["secret"]
    record = IdempotencyRecord.objects.for_tenant(acme.tenant).get(key="hook-2")
    assert secret not in json.dumps(record.response) + json.dumps(record.headers)
    assert record.response["secret"] is None


def rotate_webhook(client, endpoint_id, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret", {"overlap_hours": 1},
                       format="json", **headers)


def test_a_rotated_secret_is_shown_once_and_not_stored_by_caches(owner, acme, public_dns):
    created = create_webhook(owner).json()
    response = rotate_webhook(owner, created["id"])
    assert response.status_code == 200 and no_store(response)
    endpoint = WebhookEndpoint.objects.for_tenant(acme.tenant).get()
    assert response.json()["secret"] == endpoint.secret != created["secret"]
    assert "note" not in response.json()
    for answer in (owner.get(f"/api/v1/webhooks/{created['id']}"), owner.get("/api/v1/webhooks")):
        assert answer.status_code == 200
        text = answer.content.decode()
        assert endpoint.secret not in text and created["secret"] not in text


def test_a_replayed_rotation_rotates_once_and_shows_no_secret(owner, acme, public_dns):
    created = create_webhook(owner).json()
    first = rotate_webhook(owner, created["id"], key="rotate-1")
    second = rotate_webhook(owner, created["id"], key="rotate-1")
    assert first.status_code == second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert no_store(first) and no_store(second)
    endpoint = WebhookEndpoint.objects.for_tenant(acme.tenant).get()
    assert (endpoint.secret, endpoint.previous_secret) == (first.json()["secret"],
                                                           created["secret"])  # once
    replayed = second.json()
    assert replayed["secret"] is None and "shown only in that answer" in replayed["note"]
    record = IdempotencyRecord.objects.for_tenant(acme.tenant).get(key="rotate-1")
    assert endpoint.secret not in json.dumps(record.response) + json.dumps(record.headers)


def test_every_replay_is_no_store(owner, acme, empty_queue):
    body = {"model": "local", "prompt": "a wool scarf on a chair", "size": "256x256", "n": 1}
    answers = [owner.post("/api/v1/jobs", body, format="json", HTTP_IDEMPOTENCY_KEY="job-1")
               for _ in range(2)]
    assert answers[1].headers["Idempotent-Replayed"] == "true" and no_store(answers[1])
    assert answers[0].json() == answers[1].json()  # nothing secret: replayed as it was


def test_a_refused_webhook_is_not_a_secret(owner, acme):
    response = owner.post("/api/v1/webhooks", {**HOOK, "url": "https://127.0.0.1/x"},
                          format="json")
    assert response.status_code == 400 and "secret" not in response.json()


def test_the_dashboard_pages_showing_a_secret_once_are_no_store(merchant, acme, settings):
    key_page = merchant.post(reverse("dashboard-create-key", args=["acme"]),
                             {"name": "storefront", "scopes": ["read"]})
    assert key_page.status_code == 200 and key_page.context["secret"].startswith("atl_")
    assert no_store(key_page) and get_max_age(key_page) == 0
    settings.ATELIER_WEBHOOK_ALLOW_PRIVATE = True
    hook_page = merchant.post(reverse("dashboard-create-webhook", args=["acme"]),
                              {"url": "http://127.0.0.1:9/hook", "events": ["job.succeeded"]})
    assert hook_page.status_code == 200 and hook_page.context["secret"].startswith("whsec_")
    assert no_store(hook_page)
    listing = merchant.get(reverse("dashboard-settings", args=["acme"]))
    assert key_page.context["secret"].encode() not in listing.content


def test_the_admin_page_that_shows_a_new_key_is_no_store(acme, db):
    from django.contrib.auth import get_user_model

    admin = signed_in(get_user_model().objects.create_superuser("root", "root@atelier.test",
                                                                "x" * 20))
    answer = admin.post("/admin/tenants/apikey/add/",
                        {"tenant": acme.tenant.pk, "name": "sync", "scopes": ["read"]},
                        follow=True)
    assert answer.status_code == 200
    issued = ApiKey.objects.filter(tenant=acme.tenant, name="sync").get()
    assert b"shown once" in answer.content and f"atl_{issued.prefix}".encode() in answer.content
    assert no_store(answer)
