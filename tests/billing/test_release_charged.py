"""release() of a job whose every image was charged closes its reservation without touching
the tenant's ledger row: the last images of a batch window finish together, and each release
used to wait for the ledger's row lock to subtract nothing."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import services as billing
from billing.models import Reservation
from generation.runner import run_job
from tests.factories import JobFactory
from tests.helpers import ledger


def test_a_fully_charged_job_is_released_without_the_ledger(acme):
    job = JobFactory(tenant=acme.tenant, model="local", prompt="a bag", n=2, seed=1)
    Reservation.unscoped.filter(job=job).update(status=Reservation.Status.HELD)
    run_job(job.pk)
    reservation = Reservation.unscoped.get(job=job)
    reservation.status = Reservation.Status.HELD  # as if the run's own release had not run
    reservation.save(update_fields=["status"])
    assert reservation.images == 0
    before = ledger(acme.tenant)
    with CaptureQueriesContext(connection) as captured:
        assert billing.release(job) == 0
    assert not [q["sql"] for q in captured if "billing_ledger" in q["sql"]]
    assert Reservation.unscoped.get(job=job).status == Reservation.Status.CLOSED
    after = ledger(acme.tenant)
    assert (after.used_images, after.reserved_images, after.reserved_usd) == (
        before.used_images, before.reserved_images, before.reserved_usd)


def test_a_job_still_holding_images_gives_them_back(acme):
    job = JobFactory(tenant=acme.tenant, model="local", prompt="a bag", n=3, seed=1)
    held = ledger(acme.tenant).reserved_images
    assert billing.release(job) == 3
    assert ledger(acme.tenant).reserved_images == held - 3
    assert Reservation.unscoped.get(job=job).status == Reservation.Status.CLOSED


def test_releasing_one_job_leaves_another_jobs_hold(acme):
    """(found by `make mutate`: release without its job filter gave back another job's hold)"""
    first = JobFactory(tenant=acme.tenant, model="local", prompt="a bag", n=2, seed=1)
    second = JobFactory(tenant=acme.tenant, model="local", prompt="a cup", n=3, seed=1)
    held = ledger(acme.tenant).reserved_images
    assert billing.release(second) == 3
    assert Reservation.unscoped.get(job=first).status == Reservation.Status.HELD
    assert Reservation.unscoped.get(job=first).images == 2
    assert ledger(acme.tenant).reserved_images == held - 3


def test_a_second_release_gives_back_nothing(acme):
    job = JobFactory(tenant=acme.tenant, model="local", prompt="a bag", n=2, seed=1)
    assert (billing.release(job), billing.release(job)) == (2, 0)
