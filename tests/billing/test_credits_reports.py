"""Credit pools pay AWS cost in a fixed order; the finance report adds up to the cent;
reconcile repairs stale holds and reports drift."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from billing.models import CreditAllocation, Ledger, Reservation, UsageEvent
from billing.services import current_month
from generation.models import Job
from generation.runner import run_job
from tests.factories import CreditPoolFactory, JobFactory


def make(tenant, model: str = "stable-image-core", n: int = 1) -> Job:
    job = JobFactory(tenant=tenant, model=model, prompt="a lamp", n=n)
    run_job(job.pk)
    return job


def test_pools_are_drawn_by_priority_then_earliest_expiry(acme, bedrock):
    late = CreditPoolFactory(name="late", amount_usd="1.00", priority=10, expires_in=60)
    soon = CreditPoolFactory(name="soon", amount_usd="1.00", priority=10, expires_in=5)
    low = CreditPoolFactory(name="low priority", amount_usd="1.00", priority=50, expires_in=1)
    CreditPoolFactory(name="expired", amount_usd="9.00", priority=1, expires_in=-1)
    CreditPoolFactory(name="not yet", amount_usd="9.00", priority=1, started=-3)
    make(acme.tenant)  # $0.04 of AWS cost
    (allocation,) = CreditAllocation.objects.all()
    assert (allocation.pool, allocation.amount_usd) == (soon, Decimal("0.04"))
    for each in (late, low):
        each.refresh_from_db()
        assert each.used_usd == 0


def test_one_event_can_be_split_across_two_pools(acme, bedrock):
    first = CreditPoolFactory(name="first", amount_usd="0.05", priority=1)
    second = CreditPoolFactory(name="second", amount_usd="1.00", priority=2)
    make(acme.tenant, n=2)  # two events of $0.04: the one charged second splits $0.01 + $0.03
    by_event: dict = {}
    for each in CreditAllocation.objects.order_by("pool__priority"):
        by_event.setdefault(each.event_id, []).append((each.pool.name, each.amount_usd))
    assert sorted(by_event.values()) == [
        [("first", Decimal("0.01")), ("second", Decimal("0.03"))], [("first", Decimal("0.04"))]]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.remaining_usd, second.used_usd) == (Decimal("0"), Decimal("0.03"))


def test_report_totals_equal_the_usage_events_to_the_cent(acme, globex, bedrock, capsys):
    CreditPoolFactory(name="credits", amount_usd="0.10", priority=1)
    make(acme.tenant, n=2)
    make(acme.tenant, model="stable-image-ultra")
    make(globex.tenant, model="sd3.5-large", n=3)
    call_command("usage_report", "--month", current_month(), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    body, total = rows[:-1], rows[-1]
    assert [(r["tenant"], r["sku"], r["usage_quantity"]) for r in body] == [
        ("acme", "stable-image-core", "2"), ("acme", "stable-image-ultra", "1"),
        ("globex", "sd3.5-large", "3")]
    events = UsageEvent.unscoped.all()
    assert Decimal(total["aws_cost_usd"]) == sum(e.aws_cost_usd for e in events)
    assert Decimal(total["billed_cost_usd"]) == sum(e.price_usd for e in events)
    assert Decimal(total["credits_usd"]) == Decimal("0.10")
    assert Decimal(total["net_aws_cost_usd"]) == Decimal(total["aws_cost_usd"]) - Decimal("0.10")
    assert int(total["usage_quantity"]) == events.count() == 6
    call_command("usage_report", "--tenant", "globex", "--format", "json")
    only = json.loads(capsys.readouterr().out)
    assert [r["tenant"] for r in only[:-1]] == ["globex"]


def test_reconcile_releases_stale_holds_and_reports_drift(acme, submit, capsys):
    job = submit(n=4)
    Job.unscoped.filter(pk=job.pk).update(  # finished without releasing
        status="failed", finished_at=timezone.now())
    call_command("reconcile")
    out = capsys.readouterr().out
    assert "stale holds released: 4" in out and "no drift" in out
    assert Reservation.unscoped.get(job=job).status == "closed"
    Ledger.unscoped.filter(tenant=acme.tenant).update(used_images=99)
    call_command("reconcile")
    assert f"DRIFT acme {current_month()}" in capsys.readouterr().out
