"""Reservations against monthly quotas, one charge per delivered image whatever the retries,
and nothing charged for what was not delivered. The races (concurrent submissions and charges)
are in test_ledger_races.py: they need PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import UsageEvent
from billing.services import QuotaExceeded, set_monthly_limits
from generation.models import Job
from generation.runner import run_job
from generation.services import cancel_job
from providers.base import ProviderError
from tests.factories import JobFactory, MonthlyLimitsFactory
from tests.fakes import bedrock_outcomes as out
from tests.helpers import ledger


def test_over_quota_is_402_naming_what_is_left(owner, acme, empty_queue):
    set_monthly_limits(acme.tenant, images=3, budget_usd=None)
    assert owner.post("/api/v1/jobs", {"model": "local", "prompt": "a", "n": 2},
                      format="json").status_code == 202
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "a", "n": 2},
                          format="json")
    assert response.status_code == 402
    assert response.json()["code"] == "quota_exceeded" and response.json()["images_left"] == 1
    assert Job.objects.for_tenant(acme.tenant).count() == 1


def test_a_spend_cap_is_402_budget_exceeded(owner, acme, bedrock, empty_queue):
    set_monthly_limits(acme.tenant, images=None, budget_usd=Decimal("0.10"))
    response = owner.post("/api/v1/jobs", {"model": "stable-image-core", "prompt": "a", "n": 3},
                          format="json")  # 3 x $0.04 = $0.12
    assert response.status_code == 402 and response.json()["code"] == "budget_exceeded"
    assert owner.post("/api/v1/jobs", {"model": "stable-image-core", "prompt": "a", "n": 2},
                      format="json").status_code == 202


def test_each_image_is_charged_once_across_retries_and_reruns(acme, bedrock):
    job = JobFactory(tenant=acme.tenant, model="nova-canvas", prompt="a bag", n=7, seed=1)
    bedrock.script("amazon.nova-canvas-v1:0", out.OK, out.throttle())
    with pytest.raises(ProviderError):  # the throttled second call: Dramatiq would retry it
        run_job(job.pk)
    run_job(job.pk)
    run_job(job.pk)
    events = UsageEvent.objects.for_tenant(acme.tenant).filter(job=job)
    assert events.count() == 7
    assert sum(e.price_usd for e in events) == Decimal("0.28")  # 7 x $0.04
    row = ledger(acme.tenant)
    assert (row.used_images, row.reserved_images, row.used_usd) == (7, 0, Decimal("0.28"))


def test_withheld_and_failed_images_are_not_charged_and_their_hold_is_released(acme, bedrock):
    job = JobFactory(tenant=acme.tenant, model="nova-canvas", prompt="a bag", n=3)
    bedrock.script("amazon.nova-canvas-v1:0", out.filter_outputs(1))
    run_job(job.pk)
    blocked = JobFactory(tenant=acme.tenant, model="nova-canvas", prompt="a hat")
    bedrock.script("amazon.nova-canvas-v1:0", out.block_input_text())
    run_job(blocked.pk)
    row = ledger(acme.tenant)
    assert (row.used_images, row.reserved_images) == (2, 0)
    assert row.reserved_usd == Decimal("0") and row.used_usd == Decimal("0.08")


def test_canceling_a_queued_job_releases_its_hold(acme, submit):
    set_monthly_limits(acme.tenant, images=5, budget_usd=None)
    job = submit(n=5)
    assert ledger(acme.tenant).reserved_images == 5
    cancel_job(acme.tenant, job.pk)
    assert ledger(acme.tenant).reserved_images == 0
    submit(n=5)  # the quota is free again


def test_usage_endpoint_reports_the_month_for_its_own_tenant_only(owner, stranger, anonymous,
                                                                  acme, submit):
    set_monthly_limits(acme.tenant, images=20, budget_usd=Decimal("5"))
    run_job(submit(n=2).pk)
    body = owner.get("/api/v1/usage").json()
    assert body["images"] == {"used": 2, "reserved": 0, "limit": 20, "left": 18}
    assert body["spend_usd"]["budget"] == "5.00"
    assert stranger.get("/api/v1/usage").json()["images"]["used"] == 0
    assert anonymous.get("/api/v1/usage").status_code == 401
    assert owner.get("/api/v1/usage?month=2026-13").status_code == 400
    assert owner.get("/api/v1/usage?month=2020-01").json()["images"]["used"] == 0


def test_a_tenant_can_have_a_fixed_price_per_model(owner, acme, bedrock, empty_queue):
    MonthlyLimitsFactory(tenant=acme.tenant, price_multiplier=Decimal("1.500"),
                         model_prices={"sd3.5-large": "0.10"})
    fixed = owner.post("/api/v1/jobs", {"model": "sd3.5-large", "prompt": "a", "n": 2},
                       format="json").json()
    scaled = owner.post("/api/v1/jobs", {"model": "stable-image-core", "prompt": "a"},
                        format="json").json()
    assert (fixed["estimated_cost_usd"], scaled["estimated_cost_usd"]) == ("0.2000", "0.0600")


def test_model_prices_are_validated(acme):
    from django.core.exceptions import ValidationError

    from billing.models import MonthlyLimits
    from core.errors import InvalidParameter

    for bad in ({"sd3.5-large": "cheap"}, {"sd3.5-large": "-1"}):
        with pytest.raises(ValidationError, match="is not a price"):
            MonthlyLimits(tenant=acme.tenant, model_prices=bad).clean()
    with pytest.raises(InvalidParameter, match="unknown model"):
        MonthlyLimits(tenant=acme.tenant, model_prices={"no-such-model": "1"}).clean()


def test_a_job_over_the_budget_is_refused_naming_this_job(acme, submit, empty_queue):
    """reserve's refusal, word for word (found by `make mutate`: "this job" could be dropped)."""
    limits = set_monthly_limits(acme.tenant, images=None, budget_usd=Decimal("0.10"))
    limits.model_prices = {"local": "0.04"}
    limits.save()
    with pytest.raises(QuotaExceeded) as refused:
        submit(n=3)
    assert refused.value.message == "n: this job costs $0.12, $0.10 left of $0.10 this month"
