"""Webhooks never reach Atelier's own network: an endpoint whose host is (or resolves to) a
private, loopback, link-local, reserved or unspecified address is refused at creation and
again before every delivery, unless ATELIER_WEBHOOK_ALLOW_PRIVATE is on. Redirects are never
followed."""

from __future__ import annotations

import socket

import pytest

from api import webhook_http, webhooks
from generation.models import WebhookDelivery

PUBLIC = "93.184.215.14"


@pytest.fixture
def dns(monkeypatch):
    """Names the test controls, resolved before the real resolver is asked."""
    names: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            return [(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM,
                     6, "", (address, port)) for address in names[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(webhook_http.socket, "getaddrinfo", getaddrinfo)
    return names


def create(client, url, events=("job.succeeded",)):
    return client.post("/api/v1/webhooks", {"url": url, "events": list(events)}, format="json")


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hooks",
    "https://127.1.2.3/hooks",
    "https://localhost/hooks",
    "https://api.localhost/hooks",
    "https://10.0.0.5/hooks",
    "https://192.168.1.10/hooks",
    "https://172.16.0.1/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/hooks",
    "https://[fc00::1]/hooks",
    "https://[fd12:3456:789a::1]/hooks",
    "https://[fe80::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://0.0.0.0/hooks",
    "https://2130706433/hooks",  # 127.0.0.1 as one number
    "https://100.64.0.1/hooks",  # carrier-grade NAT
    "https://224.0.0.1/hooks",
])
def test_internal_addresses_are_refused_at_creation(owner, url):
    response = create(owner, url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == "url" and body["message"].startswith("url: ")


@pytest.mark.parametrize("url", [
    "ftp://hooks.example.com/x", "file:///etc/passwd", "gopher://hooks.example.com/",
    "javascript:alert(1)", "hooks.example.com/x", "https://", "https://user:pw@hooks.example.com/",
    "http://hooks.example.com/plain-http", "https://hooks.example.com:99999/",
])
def test_other_schemes_plain_http_and_malformed_urls_are_refused(owner, dns, url):
    dns["hooks.example.com"] = [PUBLIC]
    response = create(owner, url)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "url"


def test_a_hostname_resolving_to_loopback_is_refused(owner, dns):
    dns["hooks.evil.example"] = ["127.0.0.1"]
    response = create(owner, "https://hooks.evil.example/hooks")
    assert response.status_code == 400
    assert response.json()["message"] == "url: the host does not resolve to a public address"


def test_a_hostname_with_any_private_address_is_refused(owner, dns):
    dns["mixed.example.com"] = [PUBLIC, "10.1.2.3"]
    assert create(owner, "https://mixed.example.com/hooks").status_code == 400


def test_a_public_https_endpoint_is_accepted(owner, dns):
    dns["hooks.example.com"] = [PUBLIC]
    response = create(owner, "https://hooks.example.com/atelier")
    assert response.status_code == 201, response.content


def test_private_addresses_and_http_are_allowed_when_the_setting_is_on(owner, settings):
    settings.ATELIER_WEBHOOK_ALLOW_PRIVATE = True
    for url in ("http://127.0.0.1:8080/hooks", "https://localhost/hooks",
                "https://10.0.0.5/hooks"):
        assert create(owner, url).status_code == 201, url
    assert create(owner, "ftp://127.0.0.1/hooks").status_code == 400  # never another scheme


def test_delivery_rechecks_and_refuses_when_the_setting_was_turned_off(acme, receiver,
                                                                     private_webhooks):
    webhooks.create_endpoint(acme.tenant, f"{receiver.url}/hooks", ["job.failed"])
    private_webhooks.ATELIER_WEBHOOK_ALLOW_PRIVATE = False
    webhooks.emit(acme.tenant, "job.failed", {"job": {"id": "job-1"}})
    delivery = WebhookDelivery.objects.for_tenant(acme.tenant).get()
    webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert receiver.requests == []
    assert delivery.attempts == 1 and delivery.last_status_code is None
    assert delivery.last_error.startswith("refused: url: ")
    assert delivery.log[0]["error"] == delivery.last_error


def test_delivery_refuses_a_host_that_now_resolves_to_a_private_address(acme, dns, owner):
    dns["hooks.example.com"] = [PUBLIC]
    assert create(owner, "https://hooks.example.com/atelier").status_code == 201
    dns["hooks.example.com"] = ["169.254.169.254"]  # DNS changed after the check
    webhooks.emit(acme.tenant, "job.succeeded", {"job": {"id": "job-1"}})
    delivery = WebhookDelivery.objects.for_tenant(acme.tenant).get()
    assert webhooks.deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert (delivery.last_error == "refused: url: the host does not resolve to a public address"
            and delivery.last_status_code is None)


def test_redirects_are_not_followed(acme, receiver, private_webhooks):
    receiver.fail_first(1, status=302)
    receiver.location = f"{receiver.url}/elsewhere"
    webhooks.create_endpoint(acme.tenant, f"{receiver.url}/hooks", ["job.failed"])
    webhooks.emit(acme.tenant, "job.failed", {"job": {"id": "job-1"}})
    delivery = WebhookDelivery.objects.for_tenant(acme.tenant).get()
    assert webhooks.deliver(delivery.pk) == "pending"  # a redirect is not a 2xx
    assert [request.path for request in receiver.requests] == ["/hooks"]
    delivery.refresh_from_db()
    assert (delivery.last_status_code, delivery.last_error) == (302, "HTTP 302")
