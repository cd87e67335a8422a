"""Stripe's webhooks move only the tenant of the event's own customer and subscription, and
only forwards in time: an older event never overrides a newer state."""

from __future__ import annotations

import json
import time

from billing.models import StripeCustomer
from tenants.models import Tenant

from .test_stripe import post, signed


def event(kind: str, customer: str, *, created: int, event_id: str,
          subscription: str | None = None) -> bytes:
    obj = {"object": "subscription", "id": subscription, "customer": customer} \
        if kind.startswith("customer.subscription.") else \
        {"object": "invoice", "customer": customer, "subscription": subscription}
    return json.dumps({"id": event_id, "object": "event", "type": kind, "api_version": None,
                       "created": created, "data": {"object": obj}}).encode()


def send(kind: str, customer: str = "cus_acme", **fields) -> dict:
    payload = event(kind, customer, **fields)
    answer = post(payload, signed(payload))
    assert answer.status_code == 200, answer.content
    return answer.json()


def status(tenant) -> str:
    return Tenant.objects.get(pk=tenant.pk).status


def test_an_older_event_never_overrides_a_newer_state(acme, stripe_double):
    StripeCustomer.objects.create(tenant=acme.tenant, customer_id="cus_acme")
    now = int(time.time())
    send("invoice.payment_failed", created=now, event_id="evt_new")
    assert status(acme.tenant) == "past_due"
    late = send("invoice.paid", created=now - 600, event_id="evt_old")  # delivered late
    assert late["outcome"].startswith("ignored: older than")
    assert status(acme.tenant) == "past_due"
    send("invoice.paid", created=now + 5, event_id="evt_newer")
    assert status(acme.tenant) == "active"


def test_events_from_the_far_future_are_ignored_but_clock_skew_is_tolerated(
        acme, stripe_double, settings):
    StripeCustomer.objects.create(tenant=acme.tenant, customer_id="cus_acme")
    now = int(time.time())
    skewed = send("invoice.payment_failed", created=now + 60, event_id="evt_skew")
    assert skewed["outcome"] == "acme -> past_due"
    far = send("invoice.paid", created=now + settings.STRIPE_EVENT_CLOCK_SKEW_SECONDS + 3600,
               event_id="evt_future")
    assert far["outcome"].startswith("ignored: created")
    assert status(acme.tenant) == "past_due"


def test_only_the_tenants_own_subscription_moves_it(acme, globex, stripe_double):
    StripeCustomer.objects.create(tenant=acme.tenant, customer_id="cus_acme",
                                  subscription_id="sub_acme")
    StripeCustomer.objects.create(tenant=globex.tenant, customer_id="cus_globex")
    now = int(time.time())
    other = send("customer.subscription.deleted", created=now, event_id="evt_other",
                 subscription="sub_someone_else")
    assert other["outcome"].startswith("ignored: subscription")
    assert status(acme.tenant) == "active"
    send("customer.subscription.deleted", created=now, event_id="evt_own",
         subscription="sub_acme")
    assert status(acme.tenant) == "suspended"
    assert status(globex.tenant) == "active"  # another customer's tenant is never touched
