"""A delivery is retried with exponential backoff until the receiver answers 2xx or the
retry window closes; every attempt is logged, and no event is sent twice."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import dramatiq
import pytest
from django.utils import timezone

from api import webhooks
from api.actors import deliver_webhook_actor
from generation.models import WebhookDelivery
from tests.conftest import race


@pytest.fixture
def endpoint(acme, receiver, private_webhooks):
    endpoint, _ = webhooks.create_endpoint(acme.tenant, f"{receiver.url}/hooks",
                                           ["job.failed"])
    return endpoint


def emit_one(tenant) -> WebhookDelivery:
    webhooks.emit(tenant, "job.failed", {"job": {"id": "job-1"}})
    return WebhookDelivery.objects.for_tenant(tenant).latest("created_at")


def settled(delivery: WebhookDelivery, timeout: float = 30) -> WebhookDelivery:
    """The delivery once the worker has delivered it or given up. The row is the truth, so it
    is polled like wait_for_jobs does (the broker's join would also count messages that
    earlier tests' workers left behind)."""
    deadline = time.monotonic() + timeout
    while delivery.status == "pending" and time.monotonic() < deadline:
        time.sleep(0.02)
        delivery.refresh_from_db()
    return delivery


def test_receiver_errors_then_success_is_delivered_after_retries(acme, endpoint, receiver,
                                                                 run_jobs):
    receiver.fail_first(2)
    delivery = settled(emit_one(acme.tenant))
    assert delivery.status == "delivered" and delivery.delivered_at
    assert delivery.attempts == 3 and delivery.last_status_code == 200
    assert [entry["status"] for entry in delivery.log] == [500, 500, 200]
    assert [entry["attempt"] for entry in delivery.log] == [1, 2, 3]
    assert [entry["error"] for entry in delivery.log] == ["HTTP 500", "HTTP 500", ""]
    assert all(entry["ms"] >= 0 and entry["at"] for entry in delivery.log)
    ids = {request.headers["webhook-id"] for request in receiver.requests}
    assert ids == {str(delivery.pk)}  # the same webhook-id on every attempt: receivers dedupe


def test_receiver_that_always_fails_ends_failed_when_the_window_closes(acme, endpoint, receiver,
                                                                      run_jobs, settings):
    settings.ATELIER_WEBHOOK_BACKOFF_SECONDS = 0.05
    settings.ATELIER_WEBHOOK_RETRY_HOURS = 0.5 / 3600  # half a second
    receiver.always = 503
    delivery = settled(emit_one(acme.tenant))
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert delivery.attempts >= 2 and len(delivery.log) == delivery.attempts
    assert len(receiver.requests) == delivery.attempts
    assert {entry["status"] for entry in delivery.log} == {503}
    assert delivery.last_error == "HTTP 503"
    attempted = [datetime.fromisoformat(entry["at"]) for entry in delivery.log]
    assert max(attempted) < delivery.created_at + timedelta(seconds=0.5 + 5)  # + latency


def test_a_receiver_that_cannot_be_reached_is_a_failed_attempt(acme, private_webhooks):
    webhooks.create_endpoint(acme.tenant, "http://127.0.0.1:9/closed", ["job.failed"])
    delivery = emit_one(acme.tenant)
    assert webhooks.deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.last_status_code is None and "Connection" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() - timedelta(seconds=1)


def test_delivered_once_even_if_the_actor_runs_twice(acme, endpoint, receiver):
    delivery = emit_one(acme.tenant)
    deliver_webhook_actor(str(delivery.pk))  # a message delivered twice by the broker
    deliver_webhook_actor(str(delivery.pk))
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert webhooks.deliver(delivery.pk) is None  # a finished delivery is never sent again


def test_concurrent_runs_send_once(acme, endpoint, receiver, transactional_db, empty_queue):
    delivery = emit_one(acme.tenant)
    outcomes = race(6, lambda: webhooks.deliver(delivery.pk))
    assert (outcomes.count("delivered"), outcomes.count(None)) == (1, 5)
    assert len(receiver.requests) == 1


def test_backoff_doubles_with_jitter_and_is_capped_at_six_hours(settings):
    settings.ATELIER_WEBHOOK_BACKOFF_SECONDS = 30
    for attempt, nominal in [(1, 30), (2, 60), (3, 120), (6, 960)]:
        wait = webhooks.backoff(attempt).total_seconds()
        assert nominal * 0.8 <= wait <= nominal * 1.2
    assert webhooks.backoff(40) <= webhooks.MAX_BACKOFF
    assert webhooks.backoff(40).total_seconds() >= 0.8 * webhooks.MAX_BACKOFF.total_seconds()


def test_sweep_re_enqueues_deliveries_whose_message_was_lost(acme, endpoint, empty_queue):
    delivery = emit_one(acme.tenant)
    assert webhooks.deliver_due() == []  # just emitted: its message is on its way
    WebhookDelivery.unscoped.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=10))
    assert webhooks.deliver_due() == [str(delivery.pk)]
    assert webhooks.deliver_due() == []  # enqueued once
    assert dramatiq.get_broker().queues["webhooks"].qsize() == 1
