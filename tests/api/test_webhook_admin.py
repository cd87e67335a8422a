"""Staff see tenants' webhook endpoints and the delivery log in the admin, but never an
endpoint's signing secret, and cannot edit the log."""

from __future__ import annotations

import pytest

from api import webhooks
from generation.models import WebhookDelivery


@pytest.fixture
def endpoint_and_secret(acme, private_webhooks):
    endpoint, secret = webhooks.create_endpoint(acme.tenant, "http://127.0.0.1:9/hooks",
                                                ["job.failed"])
    webhooks.emit(acme.tenant, "job.failed", {"job": {"id": "job-1"}})
    return endpoint, secret


def test_endpoint_pages_never_show_the_secret(admin_client, endpoint_and_secret):
    endpoint, secret = endpoint_and_secret
    for path in ("/admin/generation/webhookendpoint/",
                 f"/admin/generation/webhookendpoint/{endpoint.pk}/change/"):
        page = admin_client.get(path)
        assert page.status_code == 200, path
        assert endpoint.url in page.content.decode() and secret not in page.content.decode()
    assert admin_client.get("/admin/generation/webhookendpoint/add/").status_code == 403


def test_the_delivery_log_is_viewable_but_not_editable(admin_client, endpoint_and_secret):
    delivery = WebhookDelivery.unscoped.get()
    change = f"/admin/generation/webhookdelivery/{delivery.pk}/change/"
    assert admin_client.get("/admin/generation/webhookdelivery/").status_code == 200
    assert admin_client.get(change).status_code == 200
    admin_client.post(change, {"status": "delivered"})
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert admin_client.get("/admin/generation/webhookdelivery/add/").status_code == 403
