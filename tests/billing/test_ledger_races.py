"""The ledger under concurrency, on PostgreSQL only: SQLite serializes every writer, so there
a race test passes with the ledger lock removed and proves nothing. These fail when CI=true
and PostgreSQL is missing, and skip with a message on a bare machine (conftest `postgres`).

Each was checked by removing the lock it stands for: `select_for_update()` in
billing.services._locked_ledger (the lost update of used/held counts), and the conditional
UPDATE's check in _hold (the quota overshoot)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import Reservation, UsageEvent
from billing.services import set_monthly_limits, settle
from generation.models import Job
from tests.conftest import api_client, race
from tests.factories import JobFactory
from tests.helpers import ledger

pytestmark = pytest.mark.postgres


def test_twenty_concurrent_submissions_against_five_images_accept_exactly_five(
        postgres, acme, transactional_db, empty_queue):
    set_monthly_limits(acme.tenant, images=5, budget_usd=None)
    codes = race(20, lambda: api_client(acme.key.secret).post(  # a client per thread
        "/api/v1/jobs", {"model": "local", "prompt": "a cup", "size": "256x256"},
        format="json").status_code)
    assert sorted(codes) == [202] * 5 + [402] * 15
    assert Job.objects.for_tenant(acme.tenant).count() == 5
    assert ledger(acme.tenant).reserved_images == 5


def test_concurrent_charges_of_a_tenants_jobs_lose_no_update(postgres, acme, transactional_db,
                                                             empty_queue):
    jobs = iter([JobFactory(tenant=acme.tenant, size="256x256") for _ in range(8)])
    price = Reservation.objects.for_tenant(acme.tenant).first().unit_price_usd
    # different jobs: their reservations are different rows, only the ledger lock serializes
    charged = race(8, lambda: settle(next(jobs), 0, aws_cost_usd=Decimal("0.01")))
    assert charged == [True] * 8
    row = ledger(acme.tenant)
    assert (row.used_images, row.reserved_images) == (8, 0)
    assert (row.used_usd, row.reserved_usd) == (price * 8, Decimal("0"))
    assert row.aws_cost_usd == Decimal("0.08")
    assert UsageEvent.objects.for_tenant(acme.tenant).count() == 8


def test_concurrent_charges_of_one_image_charge_it_once(postgres, acme, transactional_db,
                                                       empty_queue):
    job = JobFactory(tenant=acme.tenant, n=2, size="256x256")
    price = Reservation.objects.for_tenant(acme.tenant).get(job=job).unit_price_usd
    charged = race(6, lambda: settle(job, 0, aws_cost_usd=Decimal("0.01")))
    assert sorted(charged) == [False] * 5 + [True]
    row = ledger(acme.tenant)
    assert (row.used_images, row.reserved_images, row.used_usd) == (1, 1, price)
    assert UsageEvent.objects.for_tenant(acme.tenant).filter(job=job).count() == 1
