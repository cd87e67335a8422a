"""billing.draw_credits: a charge's AWS cost is paid from the credit pools by priority, passing
over a used-up pool to the next one (never recording a zero draw), stopping once paid, and
answering what it drew; the alert it leaves for after the commit names the tenant whose charge
crossed the threshold (found by `make mutate`)."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from billing import services as billing
from billing.models import CreditAllocation, UsageEvent
from tests.factories import CreditPoolFactory


@pytest.fixture
def event(acme, submit, empty_queue) -> UsageEvent:
    """A charge of $0.05 of AWS cost, made before any pool existed (so nothing drawn yet)."""
    job = submit(n=1)
    billing.settle(job, 0, aws_cost_usd=Decimal("0.05"))
    return UsageEvent.unscoped.get(job=job)


def test_a_used_up_pool_is_passed_over_for_the_next(event):
    CreditPoolFactory(name="spent", amount_usd="1", used_usd=Decimal("1"), priority=1,
                      expires_in=30)
    second = CreditPoolFactory(name="second", amount_usd="1", priority=2, expires_in=30)
    drawn = billing.draw_credits(event)
    assert [(a.pool.name, a.amount_usd) for a in drawn] == [("second", Decimal("0.05"))]
    assert CreditAllocation.objects.count() == 1  # no zero draw from the spent pool
    second.refresh_from_db()
    assert second.used_usd == Decimal("0.05")


def test_drawing_stops_once_paid_and_answers_what_it_drew(event):
    CreditPoolFactory(name="first", amount_usd="1", priority=1, expires_in=30)
    CreditPoolFactory(name="untouched", amount_usd="1", priority=2, expires_in=30)
    drawn = billing.draw_credits(event)
    assert [(a.pool.name, a.amount_usd) for a in drawn] == [("first", Decimal("0.05"))]


def test_the_alert_names_the_tenant_whose_charge_crossed_it(event, caplog,
                                                            django_capture_on_commit_callbacks):
    CreditPoolFactory(name="small", amount_usd="0.05", priority=1, expires_in=30)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        billing.draw_credits(event)
    alerts = [r for r in caplog.records if r.getMessage() == "billing.credit_alert"]
    assert alerts and {r.tenant for r in alerts} == {"acme"}
