"""Charging is idempotent in the charge itself, not only in its callers: the same delivered
image charged twice — by billing.services.settle or charge_delivery directly, with no caller
checking first — is one usage event, one ledger increment, one credit draw and one Stripe
report. (Removing the "already charged" check inside settle fails these tests.)"""

from __future__ import annotations

from decimal import Decimal

import dramatiq

from billing import services as billing
from billing.models import CreditAllocation, Reservation, UsageEvent
from billing.services import set_monthly_limits
from generation import runner as jobs
from tests.factories import CreditPoolFactory
from tests.fakes.rekognition import RekognitionDouble, label
from tests.helpers import ledger


def priced(tenant) -> None:
    limits = set_monthly_limits(tenant, images=None, budget_usd=None)
    limits.model_prices = {"local": "0.04"}
    limits.save()


def billing_messages() -> int:
    queue = dramatiq.get_broker().queues.get("billing")
    return 0 if queue is None else queue.qsize()


def test_settling_the_same_image_twice_charges_it_once(acme, submit, stripe_double,
                                                       empty_queue,
                                                       django_capture_on_commit_callbacks):
    priced(acme.tenant)
    pool = CreditPoolFactory(amount_usd=Decimal("5"))
    job = submit(n=3)  # queued: all three images still held
    dramatiq.get_broker().flush_all()
    with django_capture_on_commit_callbacks(execute=True):
        assert billing.settle(job, 1, aws_cost_usd=Decimal("0.01")) is True
        assert billing.settle(job, 1, aws_cost_usd=Decimal("0.01")) is False
    row = ledger(acme.tenant)
    assert (row.used_images, row.reserved_images) == (1, 2)
    assert (row.used_usd, row.reserved_usd) == (Decimal("0.04"), Decimal("0.08"))
    assert row.aws_cost_usd == Decimal("0.01")
    assert Reservation.objects.for_tenant(acme.tenant).get(job=job).images == 2
    assert UsageEvent.objects.for_tenant(acme.tenant).filter(job=job).count() == 1
    assert CreditAllocation.objects.filter(pool=pool).count() == 1
    pool.refresh_from_db()
    assert pool.used_usd == Decimal("0.01")
    assert billing_messages() == 1  # one meter event queued for Stripe
    assert billing.reconcile()["drift"] == []


def test_charging_a_delivery_twice_charges_it_once(acme, submit, settings, empty_queue,
                                                   rekognition_double: RekognitionDouble):
    settings.ATELIER_REKOGNITION = True
    rekognition_double.labels = [label("Violence", 62.0)]  # held for review: not yet charged
    priced(acme.tenant)
    job = submit(n=2, seed=5)
    jobs.run_job(job.pk)
    first = job.assets.order_by("index").first()
    assert UsageEvent.unscoped.filter(job=job).count() == 0
    assert billing.charge_delivery(first) is True
    assert billing.charge_delivery(first) is False  # no caller checked: the charge itself did
    assert list(UsageEvent.unscoped.filter(job=job).values_list("index", flat=True)) == [0]
    row = ledger(acme.tenant)
    assert (row.used_images, row.used_usd) == (1, Decimal("0.04"))
    assert billing.reconcile()["drift"] == []
