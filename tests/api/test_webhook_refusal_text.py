"""A refused webhook URL says only that its host does not resolve to a public address: never
the address it resolved to, nor which kind (private, loopback, link-local, …), nor whether an
internal name exists. The same at creation (API and dashboard) and in the delivery log; and a
delivery's failure names the URL's host, never the address it connected to."""

from __future__ import annotations

import re
import socket
import threading

import pytest
from django.urls import reverse
from urllib3.exceptions import ReadTimeoutError

from api import webhook_http, webhooks
from generation.models import WebhookDelivery
from tenants.services import ensure_owner
from tests.helpers import signed_in

REFUSAL = "url: the host does not resolve to a public address"
PUBLIC = "93.184.215.14"
# What the old messages said, and what no refusal may say now.
LEAKS = re.compile(r"\d+\.\d+\.\d+\.\d+|[0-9a-f]*::|private|loopback|link-local|reserved|"
                   r"metadata|multicast|resolves to|Errno|Name or service", re.I)


@pytest.fixture
def dns(monkeypatch):
    """Names the test controls; any other name does not resolve."""
    names: dict[str, list[str]] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM,
                 6, "", (address, port)) for address in names[host]]

    monkeypatch.setattr(webhook_http.socket, "getaddrinfo", getaddrinfo)
    return names


INTERNAL = {
    "db.internal.example": ["10.20.30.40"],
    "cache.internal.example": ["127.0.0.1"],
    "meta.internal.example": ["169.254.169.254"],
    "nat.internal.example": ["100.64.1.2"],
    "v6.internal.example": ["fd12:3456:789a::1"],
    "mixed.example.com": [PUBLIC, "192.168.1.10"],
}


@pytest.mark.parametrize("host", [*INTERNAL, "nothing.internal.example"])
def test_creation_names_neither_address_nor_range(owner, dns, host):
    dns.update(INTERNAL)
    response = owner.post("/api/v1/webhooks", {"url": f"https://{host}/hooks",
                                               "events": ["job.succeeded"]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["field"], body["message"]) == ("url", REFUSAL)


@pytest.mark.parametrize("url", ["https://10.0.0.5/hooks", "https://[::1]/hooks",
                                 "https://169.254.169.254/latest/meta-data/",
                                 "https://localhost/hooks", "https://api.localhost/hooks"])
def test_literal_and_local_hosts_get_the_same_answer(owner, url):
    response = owner.post("/api/v1/webhooks", {"url": url, "events": ["job.succeeded"]},
                          format="json")
    assert response.json()["message"] == REFUSAL


def test_the_dashboard_says_the_same(acme, dns):
    dns.update(INTERNAL)
    user, _ = ensure_owner(acme.tenant, "owner@acme.test", "correct horse battery")
    page = signed_in(user).post(reverse("dashboard-create-webhook", args=["acme"]),
                                {"url": "https://db.internal.example/hook",
                                 "events": ["job.succeeded"]}, follow=True)
    text = page.content.decode()
    assert REFUSAL in text and "10.20.30.40" not in text


def test_the_delivery_log_says_the_same(owner, acme, dns):
    dns["hooks.example.com"] = [PUBLIC]
    created = owner.post("/api/v1/webhooks", {"url": "https://hooks.example.com/atelier",
                                              "events": ["job.succeeded"]}, format="json")
    assert created.status_code == 201
    dns["hooks.example.com"] = ["10.20.30.40"]  # DNS changed after the check
    webhooks.emit(acme.tenant, "job.succeeded", {"job": {"id": "job-1"}})
    delivery = WebhookDelivery.objects.for_tenant(acme.tenant).get()
    assert webhooks.deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.last_error == f"refused: {REFUSAL}"
    assert [entry["error"] for entry in delivery.log] == [f"refused: {REFUSAL}"]
    log = owner.get(f"/api/v1/webhooks/{created.json()['id']}/deliveries").content.decode()
    assert "10.20.30.40" not in log


def test_no_refusal_text_leaks(dns):
    dns.update(INTERNAL)
    for host in [*INTERNAL, "nothing.internal.example", "localhost"]:
        with pytest.raises(webhook_http.RefusedDestination) as refused:
            webhook_http.destination(f"https://{host}/x", allow_private=False)
        assert refused.value.message == REFUSAL
        assert not LEAKS.search(refused.value.message.replace(host, "")), refused.value.message


def test_a_failed_delivery_names_the_host_not_the_address():
    """A receiver that accepts and never answers: urllib3 names the address it connected to;
    the log names the URL's host instead."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    where = webhook_http.Destination(scheme="http", hostname="hooks.example.com", port=port,
                                     netloc=f"hooks.example.com:{port}", target="/hooks",
                                     addresses=("127.0.0.1",))
    try:
        with pytest.raises(webhook_http.DeliveryFailed) as failed:
            webhook_http.post(where, b"{}", {}, timeout=0.3)
    finally:
        for connection in accepted:
            connection.close()
        server.close()
    text = str(failed.value)
    assert "127.0.0.1" not in text and "hooks.example.com" in text and " object at 0x" not in text


def test_a_timeout_description_is_rewritten():
    where = webhook_http.Destination(scheme="https", hostname="hooks.example.com", port=443,
                                     netloc="hooks.example.com", target="/",
                                     addresses=(PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"))
    error = ReadTimeoutError(None, "/", f"HTTPSConnectionPool(host='{PUBLIC}', port=443): "
                                        "Read timed out.")
    text = webhook_http._describe(error, where)
    assert PUBLIC not in text and "hooks.example.com" in text and text.startswith(
        "ReadTimeoutError: ")
