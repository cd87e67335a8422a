"""Stripe: metered usage with idempotent identifiers, and signed, replay-safe webhooks that
move a tenant between active, past_due and suspended."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from billing.models import StripeCustomer, UsageEvent
from billing.stripe_sync import report_usage
from generation.runner import run_job
from tenants.models import Tenant
from tests.factories import StripeCustomerFactory

WEBHOOK = "/billing/stripe/webhook"


def signed(payload: bytes, secret: str = "whsec_test_secret", at: int | None = None) -> str:
    at = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def event(kind: str, customer: str, event_id: str = "evt_1") -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "api_version": None,
                       "data": {"object": {"object": "invoice", "customer": customer}}}).encode()


def post(payload: bytes, signature: str):
    return Client().post(WEBHOOK, payload, content_type="application/json",
                         HTTP_STRIPE_SIGNATURE=signature)


def test_each_delivered_image_becomes_one_meter_event_with_its_id(acme, submit, stripe_double):
    job = submit(n=2)
    run_job(job.pk)
    events = list(UsageEvent.objects.for_tenant(acme.tenant).filter(job=job))
    for usage in events:
        assert report_usage(usage.pk)
    assert set(stripe_double.meter_events) == {str(u.pk) for u in events}
    customer = StripeCustomer.objects.get(tenant=acme.tenant).customer_id
    sent = stripe_double.meter_events[str(events[0].pk)]
    assert sent["event_name"] == "atelier_images" and sent["payload"] == {
        "stripe_customer_id": customer, "value": "1"}
    assert len(stripe_double.customers) == 1  # created once, lazily


def test_a_resend_is_harmless(acme, submit, stripe_double):
    job = submit()
    run_job(job.pk)
    usage = UsageEvent.objects.for_tenant(acme.tenant).get(job=job)
    assert report_usage(usage.pk)
    UsageEvent.unscoped.filter(pk=usage.pk).update(reported_at=None)  # as if the ack was lost
    assert report_usage(usage.pk)  # Stripe says it already has it: that is success
    assert len(stripe_double.meter_events) == 1


def test_a_stripe_outage_raises_for_the_actor_to_retry(acme, submit, stripe_double):
    import stripe

    job = submit()
    run_job(job.pk)
    usage = UsageEvent.objects.for_tenant(acme.tenant).get(job=job)
    stripe_double.failures = [500]
    with pytest.raises(stripe.StripeError):
        report_usage(usage.pk)
    assert UsageEvent.unscoped.get(pk=usage.pk).reported_at is None
    assert report_usage(usage.pk)


@pytest.mark.parametrize(("kind", "status"), [
    ("invoice.payment_failed", "past_due"), ("customer.subscription.deleted", "suspended")])
def test_webhooks_move_the_tenant_and_block_new_jobs(acme, owner, stripe_double, kind, status):
    StripeCustomerFactory(tenant=acme.tenant, customer_id="cus_acme")
    assert owner.get("/api/v1/models").status_code == 200  # the key is remembered now
    payload = event(kind, "cus_acme")
    response = post(payload, signed(payload))
    assert response.status_code == 200
    assert Tenant.objects.get(pk=acme.tenant.pk).status == status
    refused = owner.post("/api/v1/jobs", {"model": "local", "prompt": "a"}, format="json")
    assert refused.status_code == 402 and refused.json()["code"] == "tenant_inactive"
    paid = event("invoice.paid", "cus_acme", event_id="evt_2")
    post(paid, signed(paid))
    assert Tenant.objects.get(pk=acme.tenant.pk).status == "active"


def test_forged_and_stale_signatures_are_rejected(acme, stripe_double):
    StripeCustomerFactory(tenant=acme.tenant, customer_id="cus_acme")
    payload = event("invoice.payment_failed", "cus_acme")
    assert post(payload, signed(payload, secret="whsec_forged")).status_code == 400
    assert post(payload, signed(payload, at=int(time.time()) - 3600)).status_code == 400
    assert post(payload, "").status_code == 400
    assert Tenant.objects.get(pk=acme.tenant.pk).status == "active"


def test_a_replayed_event_changes_nothing(acme, stripe_double):
    StripeCustomerFactory(tenant=acme.tenant, customer_id="cus_acme")
    failed = event("invoice.payment_failed", "cus_acme", event_id="evt_9")
    assert post(failed, signed(failed)).json()["outcome"] == "acme -> past_due"
    Tenant.objects.filter(pk=acme.tenant.pk).update(status="active")  # fixed by hand since
    assert post(failed, signed(failed)).json()["outcome"] == "already handled"
    assert Tenant.objects.get(pk=acme.tenant.pk).status == "active"


def test_the_scheduler_resends_usage_that_never_reached_stripe(acme, submit, stripe_double,
                                                               empty_queue):
    from datetime import timedelta

    import dramatiq
    from django.utils import timezone

    from billing.actors import report_usage_actor
    from billing.stripe_sync import report_unreported

    job = submit(n=3)
    run_job(job.pk)
    events = list(UsageEvent.objects.for_tenant(acme.tenant).filter(job=job).order_by("index"))
    UsageEvent.unscoped.filter(pk=events[0].pk).update(
        created_at=timezone.now() - timedelta(minutes=10))  # lost: Redis was down at commit
    UsageEvent.unscoped.filter(pk=events[1].pk).update(
        created_at=timezone.now() - timedelta(days=40))  # too old for Stripe to take
    dramatiq.get_broker().flush_all()
    assert report_unreported() == [str(events[0].pk)]  # the fresh one is still on its way
    queue = dramatiq.get_broker().queues["billing"]
    messages = [dramatiq.Message.decode(queue.get_nowait()) for _ in range(queue.qsize())]
    assert [m.actor_name for m in messages] == ["report_usage_actor"]
    report_usage_actor(*messages[0].args)  # what the worker runs for that message
    assert set(stripe_double.meter_events) == {str(events[0].pk)}
    assert UsageEvent.unscoped.get(pk=events[0].pk).reported_at is not None
    assert report_unreported() == []
