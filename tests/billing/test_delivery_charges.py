"""The fixes behind tests/reliability, checked on any machine: an image is charged when it is
delivered and only then, a failure while charging leaves it to be made again rather than free,
a worker waiting for a rate-limit slot keeps its job, and a sweep that cannot enqueue leaves
the job to the next sweep."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import dramatiq
import pytest
from django.utils import timezone

from billing import services as billing
from billing.models import UsageEvent
from billing.services import set_monthly_limits
from generation import runner as jobs
from generation.models import Job
from moderation import services as moderation
from tests.factories import StaffFactory
from tests.fakes.rekognition import RekognitionDouble, label


def charges(job: Job) -> list[int]:
    return sorted(UsageEvent.unscoped.filter(job=job).values_list("index", flat=True))


def priced(tenant) -> None:
    limits = set_monthly_limits(tenant, images=None, budget_usd=None)
    limits.model_prices = {"local": "0.04"}
    limits.save()


def test_an_image_in_review_is_charged_when_approved_and_never_when_rejected(
        acme, submit, rekognition_double: RekognitionDouble, settings):
    settings.ATELIER_REKOGNITION = True
    rekognition_double.labels = [label("Violence", 62.0)]  # review, not reject
    priced(acme.tenant)
    job = submit(n=2, seed=5)
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and charges(job) == []
    assert billing.usage(acme.tenant)["images"]["reserved"] == 0  # the hold ended with the job

    moderator = StaffFactory(username="moderator@atelier.test")
    first, second = job.assets.order_by("index")
    moderation.review(first, approve=True, moderator=moderator)
    moderation.review(first, approve=True, moderator=moderator)  # no second charge
    moderation.review(second, approve=False, moderator=moderator)
    assert charges(job) == [0]
    assert UsageEvent.unscoped.get(job=job).price_usd == Decimal("0.0400")
    assert billing.usage(acme.tenant)["images"]["used"] == 1
    assert billing.reconcile()["drift"] == []


def test_a_failure_while_charging_leaves_the_image_to_be_made_again(acme, submit, monkeypatch):
    priced(acme.tenant)
    job = submit(n=3, seed=8)
    settle, calls = billing.settle, []

    def fails_once(job_, index, **kwargs):
        calls.append(index)
        if len(calls) == 2:
            raise RuntimeError("the database connection dropped")
        return settle(job_, index, **kwargs)

    monkeypatch.setattr(billing, "settle", fails_once)
    with pytest.raises(RuntimeError):
        jobs.run_job(job.pk)
    # the image charged first is kept; the second is not stored without its charge
    assert list(job.assets.values_list("index", flat=True)) == calls[:1]
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and charges(job) == [0, 1, 2]
    assert billing.reconcile()["drift"] == []


def test_a_sweep_that_cannot_enqueue_leaves_the_job_to_the_next_sweep(submit, empty_queue,
                                                                     monkeypatch):
    job = submit()
    Job.unscoped.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(days=1))

    def broker_down(message, *, delay=None):
        raise ConnectionError("broker down")

    monkeypatch.setattr(dramatiq.get_broker(), "enqueue", broker_down)
    with pytest.raises(ConnectionError):
        jobs.sweep_stale_jobs()
    monkeypatch.undo()
    assert jobs.sweep_stale_jobs() == [str(job.pk)]
