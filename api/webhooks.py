"""Signed webhooks: tenants' endpoints, emitting events, delivering them with retries.

Each event for each subscribed endpoint is one WebhookDelivery row, created in the same
transaction as the change it reports and enqueued only after that commits. The row, not the
queue, is the truth: a run claims it with a conditional UPDATE (so two runs never both send),
posts the signed body, then marks it delivered or schedules the next attempt with exponential
backoff, until ATELIER_WEBHOOK_RETRY_HOURS after the event, when it gives up (`failed`).

Signing follows the Standard Webhooks specification (webhook-id, webhook-timestamp,
webhook-signature) so partners verify with a maintained library, not a recipe of ours; we sign
with its reference library, `standardwebhooks` (MIT, no dependencies, typed), so what we send
is what those verifiers compute. webhook-id is the delivery's id: the same on every retry.

Secrets issued before that (`whsec_` + URL-safe text, used whole as the key) keep their key:
in standard form they are `whsec_` + base64 of themselves, and while one signs, the old
Atelier-* headers are sent too. They are not rewritten in the database, because the previous
release still runs against it during a deploy. After rotate_secret the previous secret signs
too, for an overlap chosen per rotation: two signatures, space-separated.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import math
import random
import secrets
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from standardwebhooks import Webhook

from api import webhook_http
from api.serializers import JobSerializer
from assets.models import Asset
from assets.serializers import AssetSerializer
from core import metrics, tasks
from core.errors import InvalidParameter, NotFound
from generation.batch_progress import describe_many
from generation.models import Batch, Job, WebhookDelivery, WebhookEndpoint

if TYPE_CHECKING:
    from tenants.models import Tenant

log = logging.getLogger("atelier.webhooks")

EVENTS = ("job.succeeded", "job.failed", "job.blocked", "job.fallback", "batch.completed",
          "asset.approved", "asset.rejected")
TEST_EVENT = "ping"  # sent only by POST /webhooks/{id}/test, whatever the subscription
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64 random bytes
KEY_BYTES = range(24, 65)
DEFAULT_OVERLAP_HOURS = 24  # how long the previous secret signs too after a rotation
MAX_OVERLAP_HOURS = 168
MAX_BACKOFF = timedelta(hours=6)
CLAIM_GRACE = timedelta(seconds=2)  # a delayed message may arrive a little before its time
SWEEP_AFTER = timedelta(minutes=5)  # a pending delivery this late lost its queue message

JOB_EVENTS = {"succeeded": "job.succeeded", "partially_succeeded": "job.succeeded",
              "failed": "job.failed", "blocked": "job.blocked"}
ASSET_EVENTS = {"approved": "asset.approved", "rejected": "asset.rejected"}

PENDING = WebhookDelivery.Status.PENDING


# --- endpoints --------------------------------------------------------------------------------

def _allow_private() -> bool:
    return bool(settings.ATELIER_WEBHOOK_ALLOW_PRIVATE)


def _valid_events(events: Any) -> list[str]:
    if (not isinstance(events, list | tuple) or not events
            or not all(isinstance(event, str) for event in events)):
        raise InvalidParameter(f"events: a non-empty list of event types from: "
                               f"{', '.join(EVENTS)}", field="events")
    unknown = [event for event in dict.fromkeys(events) if event not in EVENTS]
    if unknown:
        raise InvalidParameter(f"events: unknown event type(s) {', '.join(unknown)}; known: "
                               f"{', '.join(EVENTS)}", field="events")
    return list(dict.fromkeys(events))


def create_endpoint(tenant: Tenant, url: str, events: Sequence[str], description: str = ""
                    ) -> tuple[WebhookEndpoint, str]:
    """Check the URL (SSRF rule) and the events, then store the endpoint with a new signing
    secret, returned here so it can be shown once."""
    url = (url or "").strip()
    if not url:
        raise InvalidParameter("url: required", field="url")
    webhook_http.destination(url, allow_private=_allow_private())
    events = _valid_events(events)
    description = description or ""
    if len(description) > 200:
        raise InvalidParameter("description: at most 200 characters", field="description")
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.for_tenant(tenant).create(
        url=url, events=events, description=description, secret=secret)
    log.info("webhook endpoint %s created for %s: %s", endpoint.pk, tenant.slug, events)
    return endpoint, secret


def get_endpoint(tenant: Tenant, endpoint_id: Any) -> WebhookEndpoint:
    """The tenant's endpoint, or NotFound: another tenant's does not exist for this one."""
    return WebhookEndpoint.objects.owned_or_404(tenant, endpoint_id)


def delete_endpoint(tenant: Tenant, endpoint_id: Any) -> None:
    """Delete the endpoint; its pending deliveries (and their log) go with it."""
    get_endpoint(tenant, endpoint_id).delete()


def rotate_secret(tenant: Tenant, endpoint_id: Any,
                  overlap_hours: Any = DEFAULT_OVERLAP_HOURS) -> tuple[WebhookEndpoint, str]:
    """Give the endpoint a new signing secret, returned here so it can be shown once. For
    `overlap_hours` the secret it replaces signs too (both signatures on every message), so
    the receiver can switch without losing a message; 0 stops it at once (a leaked secret).
    Rotating again within an overlap drops the oldest secret: only the two newest sign."""
    if (not isinstance(overlap_hours, int) or isinstance(overlap_hours, bool)
            or not 0 <= overlap_hours <= MAX_OVERLAP_HOURS):
        raise InvalidParameter(f"overlap_hours: a whole number of hours from 0 to "
                               f"{MAX_OVERLAP_HOURS}", field="overlap_hours")
    found = get_endpoint(tenant, endpoint_id)  # NotFound for anyone else's endpoint
    secret = new_secret()
    with transaction.atomic():  # locked: concurrent rotations apply one after the other
        endpoint = (WebhookEndpoint.objects.for_tenant(tenant).select_for_update()
                    .filter(pk=found.pk).order_by().first())
        if endpoint is None:  # deleted meanwhile
            raise NotFound("webhook: no such webhook", field="webhook")
        if overlap_hours:
            endpoint.previous_secret = endpoint.secret
            endpoint.previous_secret_expires_at = timezone.now() + timedelta(hours=overlap_hours)
        else:
            endpoint.previous_secret, endpoint.previous_secret_expires_at = "", None
        endpoint.secret = secret
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    log.info("webhook endpoint %s of %s: secret rotated, previous one signs for %d h",
             endpoint.pk, tenant.slug, overlap_hours)
    return endpoint, secret


def endpoint_deliveries(tenant: Tenant, endpoint_id: Any) -> QuerySet[WebhookDelivery]:
    """The delivery log of one of the tenant's endpoints (NotFound for anyone else's)."""
    endpoint = get_endpoint(tenant, endpoint_id)
    return WebhookDelivery.objects.for_tenant(tenant).filter(endpoint=endpoint)


def send_test(tenant: Tenant, endpoint_id: Any) -> WebhookDelivery:
    """Queue a `ping` to one endpoint, so a partner can check their receiver end to end."""
    endpoint = get_endpoint(tenant, endpoint_id)
    with transaction.atomic():
        return _queue(tenant, endpoint, TEST_EVENT,
                      {"message": "a test event from Atelier", "endpoint": str(endpoint.pk)})


# --- emitting ---------------------------------------------------------------------------------

EventData = dict[str, Any] | Callable[[], dict[str, Any]]


def emit(tenant: Tenant, event: str, data: EventData) -> None:
    """Create a delivery of `event` for each of the tenant's active endpoints subscribed to it,
    enqueued after the surrounding transaction commits (nothing is sent for a rolled-back
    change). One query when nobody listens; `data` may be a function, called only then."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoints = [endpoint for endpoint in
                 WebhookEndpoint.objects.for_tenant(tenant).filter(is_active=True)
                 if event in endpoint.events]
    if not endpoints:
        return
    body = data() if callable(data) else data
    for endpoint in endpoints:
        _queue(tenant, endpoint, event, body)


def _jsonable(value: Any) -> Any:
    """UUIDs, decimals and datetimes as the API writes them, so the payload is plain JSON."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _queue(tenant: Tenant, endpoint: WebhookEndpoint, event: str, data: dict[str, Any]
           ) -> WebhookDelivery:
    delivery_id, now = uuid.uuid4(), timezone.now()
    payload = _jsonable({"id": str(delivery_id), "type": event, "created": now.isoformat(),
                         "tenant": tenant.slug, "data": data})
    delivery = WebhookDelivery.objects.for_tenant(tenant).create(
        id=delivery_id, endpoint=endpoint, event=event, payload=payload, next_attempt_at=now)
    transaction.on_commit(partial(_enqueue, delivery.pk))
    return delivery


def _enqueue(delivery_id: Any, delay: timedelta | None = None) -> None:
    # Round up: a message early by a millisecond would find the delivery not yet due.
    milliseconds = None if delay is None else max(0, math.ceil(delay.total_seconds() * 1000))
    tasks.send_now("deliver_webhook_actor", str(delivery_id), delay_ms=milliseconds)


def _context() -> dict[str, Any]:
    return {"base_url": settings.ATELIER_PUBLIC_URL}


def job_finished(job: Job, status: str) -> None:
    """Emit job.succeeded / job.failed / job.blocked with the job as GET /jobs/{id} shows it.
    Published once, when the conditional update that ended the job was the caller's."""
    event = JOB_EVENTS.get(status)
    if event is None:
        return

    def data() -> dict[str, Any]:
        current = Job.unscoped.select_related("tenant").get(pk=job.pk)
        return {"job": JobSerializer(current, context=_context()).data}

    emit(job.tenant, event, data)


def job_fell_back(job: Job) -> None:
    """Emit job.fallback with the job as GET /jobs/{id} shows it (naming both models)."""
    emit(job.tenant, "job.fallback", lambda: {"job": JobSerializer(
        Job.unscoped.select_related("tenant").get(pk=job.pk), context=_context()).data})


def batch_completed(batch: Batch) -> None:
    emit(batch.tenant, "batch.completed", lambda: {"batch": describe_many([batch])[0]})


def asset_moderated(asset: Asset) -> None:
    """Emit asset.approved / asset.rejected when an asset's moderation status changed."""

    event = ASSET_EVENTS.get(asset.moderation_status)
    if event is not None:
        emit(asset.tenant, event,
             lambda: {"asset": AssetSerializer(asset, context=_context()).data})


# --- signing ----------------------------------------------------------------------------------

def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` + base64 (standard alphabet, padded) of random
    bytes, as every library of the specification decodes it."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _standard_key(secret: str) -> bytes | None:
    if not secret.startswith(SECRET_PREFIX):
        return None
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if len(key) in KEY_BYTES else None


def is_legacy(secret: str) -> bool:
    """True for a secret issued before Standard Webhooks (`whsec_` + 43 URL-safe characters,
    never valid padded base64), which the old scheme used whole as the HMAC key."""
    return _standard_key(secret) is None


def signing_key(secret: str) -> bytes:
    """The HMAC key: the decoded base64 after `whsec_`, or a legacy secret's own UTF-8."""
    key = _standard_key(secret)
    return secret.encode() if key is None else key


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The endpoint's secret, then the previous one while its overlap lasts."""
    expires = endpoint.previous_secret_expires_at
    overlapping = bool(endpoint.previous_secret) and expires is not None and expires > now
    return [endpoint.secret, *([endpoint.previous_secret] if overlapping else [])]


def legacy_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The pre-Standard Atelier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t." +
    body> keyed with the whole legacy secret; sent only while such a secret signs."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def signature_headers(message_id: str, event: str, timestamp: int, body: bytes,
                      signed_with: Sequence[str]) -> dict[str, str]:
    """The Standard Webhooks headers, one `v1,<base64>` signature per secret, space-separated
    (newest first); plus the old Atelier-* headers while a legacy secret is among them."""
    at = datetime.fromtimestamp(timestamp, UTC)
    headers = {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
               "webhook-signature": " ".join(Webhook(signing_key(secret)).sign(
                   msg_id=message_id, timestamp=at, data=body) for secret in signed_with)}
    legacy = [secret for secret in signed_with if is_legacy(secret)]
    if legacy:
        headers.update({"Atelier-Event-Id": message_id, "Atelier-Event-Type": event,
                        "Atelier-Signature": legacy_signature(legacy[0], timestamp, body)})
    return headers


# --- delivering -------------------------------------------------------------------------------

def backoff(attempt: int) -> timedelta:
    """Wait after the `attempt`-th failure: base * 2^(attempt-1), ±20 % jitter (so a
    receiver's outage is not followed by every retry at once), at most six hours."""
    base = float(settings.ATELIER_WEBHOOK_BACKOFF_SECONDS)
    seconds = min(base * 2 ** min(attempt - 1, 30), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=min(seconds * random.uniform(0.8, 1.2),
                                 MAX_BACKOFF.total_seconds()))


@dataclass(frozen=True)
class Attempt:
    status: int | None
    error: str
    ms: int
    final: bool = False  # no point trying again (the endpoint was disabled)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _timeout() -> float:
    return float(settings.ATELIER_WEBHOOK_TIMEOUT_SECONDS)


def deliver(delivery_id: Any) -> str | None:
    """One attempt at a pending, due delivery; its status afterwards, or None when there was
    nothing to do (already delivered or failed, not yet due, or being attempted elsewhere).
    Safe to call any number of times from any worker."""
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + CLAIM_GRACE)
    # The claim moves next_attempt_at past this attempt's end: a second run finds it not due,
    # and if this worker dies the sweep retries once that time is well past.
    claimed = WebhookDelivery.unscoped.filter(due, pk=delivery_id, status=PENDING).update(
        attempts=F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=_timeout() + 30))
    if not claimed:
        return None
    delivery = WebhookDelivery.unscoped.select_related("endpoint", "tenant").get(pk=delivery_id)
    return _record(delivery, _attempt(delivery))


def _attempt(delivery: WebhookDelivery) -> Attempt:
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return Attempt(None, "the endpoint is disabled", 0, final=True)
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Atelier-Webhooks/1",
               **signature_headers(str(delivery.pk), delivery.event, int(time.time()), body,
                                   signing_secrets(endpoint, timezone.now()))}
    started = time.monotonic()
    try:  # checked again now: the host may resolve elsewhere than at creation
        where = webhook_http.destination(endpoint.url, allow_private=_allow_private())
        status = webhook_http.post(where, body, headers, timeout=_timeout())
    except InvalidParameter as exc:
        return Attempt(None, f"refused: {exc.message}", 0)
    except webhook_http.DeliveryFailed as exc:
        return Attempt(None, str(exc), int((time.monotonic() - started) * 1000))
    elapsed = int((time.monotonic() - started) * 1000)
    return Attempt(status, "" if 200 <= status < 300 else f"HTTP {status}", elapsed)


def _record(delivery: WebhookDelivery, attempt: Attempt) -> str:
    now = timezone.now()
    entry = {"at": now.isoformat(), "attempt": delivery.attempts, "status": attempt.status,
             "error": attempt.error, "ms": attempt.ms}
    fields: dict[str, Any] = {"log": [*delivery.log, entry], "last_error": attempt.error,
                              "last_status_code": attempt.status}
    retry_at = None
    if attempt.ok:
        fields.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=now,
                      next_attempt_at=None)
    else:
        deadline = delivery.created_at + timedelta(
            hours=float(settings.ATELIER_WEBHOOK_RETRY_HOURS))
        retry_at = None if attempt.final else now + backoff(delivery.attempts)
        if retry_at is None or retry_at > deadline:
            retry_at = None
            fields.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
        else:
            fields.update(next_attempt_at=retry_at)
    WebhookDelivery.unscoped.filter(pk=delivery.pk, status=PENDING).update(**fields)
    status = fields.get("status", PENDING)
    if not attempt.ok:
        metrics.webhook_failed(gave_up=status == WebhookDelivery.Status.FAILED)
    log.info("webhook %s %s to %s attempt %d: %s", delivery.event, delivery.pk,
             delivery.endpoint_id, delivery.attempts, attempt.status or attempt.error)
    if retry_at is not None:
        transaction.on_commit(partial(_enqueue, delivery.pk, retry_at - now))
    return str(status)


def deliver_due(*, limit: int = 500) -> list[str]:
    """Re-enqueue pending deliveries whose message was lost (next attempt well past); return
    their ids. A conditional update makes concurrent sweepers enqueue each one once."""
    now = timezone.now()
    stale = Q(status=PENDING) & (Q(next_attempt_at__lt=now - SWEEP_AFTER)
                                 | Q(next_attempt_at__isnull=True,
                                     created_at__lt=now - SWEEP_AFTER))
    swept = []
    for delivery_id in WebhookDelivery.unscoped.filter(stale).values_list("pk", flat=True)[
            :limit]:
        if WebhookDelivery.unscoped.filter(stale, pk=delivery_id).update(next_attempt_at=now):
            _enqueue(delivery_id)
            swept.append(str(delivery_id))
    if swept:
        log.warning("sweep re-enqueued %d webhook delivery(ies)", len(swept))
    return swept
