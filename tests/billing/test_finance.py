"""Finance: credit alerts at 50/80/100 %, burn rate and forecast, and the Finance group's
report page with its chart and CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from django.core import mail
from django.test import Client

from billing.credits import burn
from billing.models import CreditAlert, CreditPool
from generation.runner import run_job
from tests.factories import CreditPoolFactory, JobFactory
from tests.helpers import signed_in, staff_client

REPORT = "/admin/finance/report/"


def pool(amount: str) -> CreditPool:
    return CreditPoolFactory(name="activate", amount_usd=amount, priority=1, expires_in=90)


def spend(tenant, n: int) -> None:  # n x $0.04 of AWS cost
    run_job(JobFactory(tenant=tenant, model="stable-image-core", prompt="a", n=n).pk)


def test_alerts_fire_once_at_each_threshold_and_are_emailed(acme, bedrock, settings,
                                                             django_capture_on_commit_callbacks):
    settings.ATELIER_FINANCE_EMAILS = ["finance@atelier.test"]
    credits = pool("0.20")
    with django_capture_on_commit_callbacks(execute=True):
        spend(acme.tenant, 3)  # $0.12 = 60 %
    assert list(CreditAlert.objects.values_list("threshold", flat=True)) == [50]
    with django_capture_on_commit_callbacks(execute=True):
        spend(acme.tenant, 3)  # $0.20 paid from the pool = 100 %
    assert sorted(CreditAlert.objects.values_list("threshold", flat=True)) == [50, 80, 100]
    assert [m.subject for m in mail.outbox] == [
        "[Atelier] credit pool activate is 50% used", "[Atelier] credit pool activate is 80% used",
        "[Atelier] credit pool activate is 100% used"]
    assert mail.outbox[0].to == ["finance@atelier.test"]
    credits.refresh_from_db()
    assert credits.remaining_usd == Decimal("0")


def test_the_scheduler_raises_an_alert_that_a_charge_missed(acme, bedrock):
    from billing.credits import check_all_pools

    credits = pool("0.20")
    spend(acme.tenant, 3)  # charged, but the alert never ran (its commit hook was lost)
    assert not CreditAlert.objects.exists()
    CreditPoolFactory(name="expired", amount_usd="1", used_usd=Decimal("1"), priority=2,
                      started=60, expires_in=-1)
    assert check_all_pools() == 1
    assert list(CreditAlert.objects.values_list("pool__name", "threshold")) == [
        (credits.name, 50)]
    assert check_all_pools() == 0  # recorded once


def test_burn_rate_and_forecast(acme, bedrock):
    credits = pool("1.00")
    spend(acme.tenant, 7)  # $0.28 this week
    credits.refresh_from_db()
    rate = burn(credits)
    assert rate.last_7_days_usd == rate.last_30_days_usd == Decimal("0.28")
    assert rate.per_day_usd == Decimal("0.04")
    assert rate.runs_out_on == date.today() + timedelta(days=18)  # $0.72 left / $0.04


def test_finance_sees_the_report_chart_and_csv(acme, bedrock):
    pool("1.00")
    spend(acme.tenant, 2)
    finance = staff_client("fin", "Finance")
    page = finance.get(REPORT)
    assert page.status_code == 200
    html = page.content.decode()
    assert "stable-image-core" in html and "<svg" in html and "activate" in html
    export = finance.get(REPORT + "?format=csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert rows[-1]["billing_period"] == "total" and rows[-1]["usage_quantity"] == "2"
    assert export["Content-Disposition"].startswith("attachment")


def test_others_cannot_reach_the_report(acme, db):
    assert staff_client("mod", "Moderators").get(REPORT).status_code == 403
    assert staff_client("ops").get(REPORT).status_code == 403
    owner = signed_in(acme.owner)
    assert owner.get(REPORT).status_code == 302
    assert Client().get(REPORT).status_code == 302
