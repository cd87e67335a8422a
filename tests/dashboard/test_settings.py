"""Settings in the dashboard: owners issue API keys (the secret shown once, never again),
revoke them, and add and delete webhooks; nobody else can."""

from django.urls import reverse

from generation.models import WebhookEndpoint
from tenants.models import ApiKey
from tenants.services import authenticate_api_key
from tests.factories import MembershipFactory
from tests.helpers import signed_in


def test_a_new_key_is_shown_once_with_its_scopes(browser, acme):
    response = browser.post(reverse("dashboard-create-key", args=["acme"]),
                            {"name": "storefront", "scopes": ["read"],
                             "rate_limit_per_minute": "30"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.encode() in response.content
    key = authenticate_api_key(secret)
    assert (key.tenant, key.name, key.scopes, key.rate_limit_per_minute) == (
        acme.tenant, "storefront", ["read"], 30)
    listing = browser.get(reverse("dashboard-settings", args=["acme"]))
    assert secret.encode() not in listing.content
    assert key.prefix.encode() in listing.content


def test_a_key_without_scopes_is_refused(browser, acme):
    before = ApiKey.objects.filter(tenant=acme.tenant).count()
    response = browser.post(reverse("dashboard-create-key", args=["acme"]),
                            {"name": "nothing"}, follow=True)
    assert b"scopes:" in response.content
    assert ApiKey.objects.filter(tenant=acme.tenant).count() == before


def test_revoking_a_key_stops_it(browser, acme):
    key = acme.key.api_key
    browser.post(reverse("dashboard-revoke-key", args=["acme", key.pk]))
    assert authenticate_api_key(acme.key.secret) is None


def test_another_tenants_key_cannot_be_revoked(acme, other):
    response = other.post(reverse("dashboard-revoke-key", args=["globex", acme.key.api_key.pk]))
    assert response.status_code == 404
    response = other.post(reverse("dashboard-revoke-key", args=["acme", acme.key.api_key.pk]))
    assert response.status_code == 404
    assert authenticate_api_key(acme.key.secret) is not None


def test_webhooks_are_added_with_a_secret_shown_once_and_deleted(browser, acme, settings):
    settings.ATELIER_WEBHOOK_ALLOW_PRIVATE = False
    refused = browser.post(reverse("dashboard-create-webhook", args=["acme"]),
                           {"url": "http://127.0.0.1:9/hook", "events": ["job.succeeded"]},
                           follow=True)
    assert b"url:" in refused.content
    assert not WebhookEndpoint.objects.for_tenant(acme.tenant).exists()
    settings.ATELIER_WEBHOOK_ALLOW_PRIVATE = True
    response = browser.post(reverse("dashboard-create-webhook", args=["acme"]),
                            {"url": "http://127.0.0.1:9/hook",
                             "events": ["job.succeeded", "batch.completed"]})
    endpoint = WebhookEndpoint.objects.for_tenant(acme.tenant).get()
    assert response.context["secret"] == endpoint.secret
    assert endpoint.events == ["job.succeeded", "batch.completed"]
    page = browser.get(reverse("dashboard-settings", args=["acme"]))
    assert endpoint.secret.encode() not in page.content
    browser.post(reverse("dashboard-delete-webhook", args=["acme", endpoint.pk]))
    assert not WebhookEndpoint.objects.for_tenant(acme.tenant).exists()


def test_members_cannot_manage_keys(acme):
    membership = MembershipFactory(tenant=acme.tenant, role="member",
                                   user__username="m@acme.test", user__email="m@acme.test")
    client = signed_in(membership.user)
    response = client.post(reverse("dashboard-create-key", args=["acme"]),
                           {"name": "x", "scopes": ["read", "write"]})
    assert response.status_code == 403
    assert client.post(reverse("dashboard-revoke-key",
                               args=["acme", acme.key.api_key.pk])).status_code == 403
    assert authenticate_api_key(acme.key.secret) is not None
