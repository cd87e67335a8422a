"""Stripe: a customer per tenant (created lazily), one Billing Meter event per usage event
(its `identifier` is the usage event's id, so a resend is harmless), and the webhooks that
move a tenant between active, past_due and suspended.

The stripe library is imported where Stripe is called, not with this module: with its HTTP
clients it is 18 MB of memory, and every worker process imports billing while only those that
send usage (Stripe configured) need it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import StripeCustomer, StripeEvent, UsageEvent
from core import tasks
from tenants import key_cache
from tenants.models import Tenant

if TYPE_CHECKING:
    import stripe

log = logging.getLogger("atelier.billing")

TENANT_STATUS = {
    "invoice.paid": Tenant.Status.ACTIVE,
    "invoice.payment_failed": Tenant.Status.PAST_DUE,
    "customer.subscription.deleted": Tenant.Status.SUSPENDED,
}


def enabled() -> bool:
    return bool(settings.STRIPE_API_KEY)


def client() -> stripe.StripeClient:
    import stripe

    api_base = settings.STRIPE_API_BASE
    return stripe.StripeClient(settings.STRIPE_API_KEY,
                               base_addresses={"api": api_base} if api_base else None,
                               max_network_retries=0)  # Dramatiq retries, with backoff


def customer_id(tenant: Tenant) -> str:
    existing = StripeCustomer.objects.filter(tenant=tenant).first()
    if existing:
        return existing.customer_id
    customer = client().v1.customers.create(params={
        "name": tenant.name, "metadata": {"atelier_tenant": tenant.slug}},
        options={"idempotency_key": f"atelier-customer-{tenant.pk}"})
    try:
        with transaction.atomic():
            StripeCustomer.objects.create(tenant=tenant, customer_id=customer.id)
    except IntegrityError:  # created concurrently: the idempotency key made it the same one
        pass
    return StripeCustomer.objects.get(tenant=tenant).customer_id


def report_usage(event_id: Any) -> bool:
    """Send one usage event as a meter event; True once Stripe has it (sent now or before)."""
    event = UsageEvent.unscoped.select_related("tenant").filter(pk=event_id).first()
    if event is None or event.reported_at is not None:
        return event is not None
    import stripe

    try:
        client().v1.billing.meter_events.create(params={
            "event_name": settings.STRIPE_METER_EVENT, "identifier": str(event.pk),
            "timestamp": int(event.created_at.timestamp()),
            "payload": {"stripe_customer_id": customer_id(event.tenant), "value": "1"}})
    except stripe.InvalidRequestError as exc:
        if getattr(exc, "code", "") != "resource_already_exists":
            raise
    UsageEvent.unscoped.filter(pk=event.pk).update(reported_at=timezone.now())
    return True


def queue_report(event: UsageEvent) -> None:
    if enabled():
        tasks.send("report_usage_actor", str(event.pk))


def report_unreported(*, older_than_seconds: int = 300, limit: int = 1000) -> list[str]:
    """Queue the meter events that never reached Stripe (Redis was down when their charge
    committed, or every retry failed). Stripe takes events up to 35 days old; the sweep
    looks back 30. Reporting is idempotent on the event id, so a re-send is harmless."""
    if not enabled():
        return []
    now = timezone.now()
    ids = [str(pk) for pk in UsageEvent.unscoped.filter(
        reported_at__isnull=True, created_at__lt=now - timedelta(seconds=older_than_seconds),
        created_at__gt=now - timedelta(days=30)).order_by("created_at")
        .values_list("pk", flat=True)[:limit]]
    for event_id in ids:
        tasks.send_now("report_usage_actor", event_id)
    return ids


class BadSignature(Exception):
    pass


def handle_webhook(payload: bytes, signature: str) -> str:
    """Verify, de-duplicate and apply one webhook; returns what happened (for the log)."""
    import stripe

    try:
        event = stripe.Webhook.construct_event(payload, signature,
                                               settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise BadSignature(str(exc)) from exc
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(event_id=event["id"], type=event["type"])
            outcome = _apply(event)
            StripeEvent.objects.filter(pk=record.pk).update(outcome=outcome)
    except IntegrityError:
        return "already handled"
    return outcome


def _subscription_of(kind: str, obj: dict[str, Any]) -> str | None:
    """The subscription an event is about: the object itself for subscription events, the
    invoice's subscription for invoice events."""
    if kind.startswith("customer.subscription."):
        return obj.get("id")
    subscription = obj.get("subscription")
    if isinstance(subscription, dict):
        return subscription.get("id")
    return subscription


def _apply(event: Any) -> str:
    """Move the tenant of the event's customer, and only that tenant, to the status the event
    means; an event older than the one that set the current status changes nothing."""
    status = TENANT_STATUS.get(event["type"])
    if status is None:
        return "ignored"
    data = event.to_dict()
    obj = data["data"]["object"]
    customer = obj.get("customer")
    link = (StripeCustomer.objects.select_for_update().filter(customer_id=customer)
            .select_related("tenant").first())
    if link is None:
        return f"no tenant for customer {customer}"
    subscription = _subscription_of(event["type"], obj)
    if link.subscription_id and subscription and subscription != link.subscription_id:
        return f"ignored: subscription {subscription} is not {link.tenant.slug}'s"
    created = datetime.fromtimestamp(int(data.get("created") or 0), tz=UTC)
    if created > timezone.now() + timedelta(seconds=settings.STRIPE_EVENT_CLOCK_SKEW_SECONDS):
        return f"ignored: created {created.isoformat()} is in the future"
    if link.status_event_at is not None and created < link.status_event_at:
        return f"ignored: older than the event that set {link.tenant.slug}'s status"
    Tenant.objects.filter(pk=link.tenant.pk).update(status=status)
    key_cache.tenant_changed(link.tenant)  # the tenant's API keys see the status at once
    StripeCustomer.objects.filter(pk=link.pk).update(status_event_at=created)
    log.info("tenant %s is now %s (%s)", link.tenant.slug, status, event["type"])
    return f"{link.tenant.slug} -> {status}"
