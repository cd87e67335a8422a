"""The Finance group in the admin: its link on the admin's home, the finance report (money in
cents in the page and the CSV, a chart with axes, empty tables that say so, local told from
Bedrock), billing records read-only, and any tenant's Usage page; for the other personas
none of it."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.test import Client

from billing.models import CreditAllocation, UsageEvent
from billing.reports import money, usage_rows
from billing.services import current_month
from tests.factories import CreditPoolFactory, JobFactory, StaffFactory
from tests.helpers import signed_in

HOME, REPORT = "/admin/", "/admin/finance/report/"
CENTS = re.compile(r"^-?\d+\.\d{2}$")
SUB_CENT = re.compile(r"^-?0\.00\d{2}$")
MONEY_COLUMNS = ("aws_cost_usd", "credits_usd", "net_aws_cost_usd", "billed_cost_usd",
                 "margin_usd")


@pytest.fixture
def usage(acme, globex):
    """Acme: three Bedrock images at $0.10 AWS cost each (paid in full by credits), billed
    $0.125 each; Globex: one local image, free at AWS, billed $0.004."""
    pool = CreditPoolFactory(name="activate", amount_usd=Decimal("10"), priority=1,
                             expires_in=90)
    month = current_month()
    job = JobFactory(tenant=acme.tenant, n=3)
    for index in range(3):
        event = UsageEvent.unscoped.create(
            tenant=acme.tenant, job=job, index=index, month=month,
            model_key="stable-image-core", aws_cost_usd=Decimal("0.1"),
            price_usd=Decimal("0.125"))
        CreditAllocation.objects.create(event=event, pool=pool, amount_usd=Decimal("0.1"))
    pool.used_usd = Decimal("0.3")
    pool.save()
    local = JobFactory(tenant=globex.tenant, n=1)
    UsageEvent.unscoped.create(tenant=globex.tenant, job=local, index=0, month=month,
                               model_key="local", aws_cost_usd=Decimal("0"),
                               price_usd=Decimal("0.004"))
    return month


# --- the admin's home ---------------------------------------------------------------------------

def test_finance_home_links_the_report_and_billing_records(finance):
    page = finance.get(HOME)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{REPORT}"' in html and "Finance report" in html
    assert "permission to view or edit anything" not in html
    assert "/admin/billing/creditpool/" in html and "Monthly limits" in html


def test_other_personas_home(moderator, merchant):
    html = moderator.get(HOME).content.decode()
    assert "Finance report" not in html and "/admin/moderation/reviewitem/" in html
    assert "/admin/billing/" not in html
    assert merchant.get(HOME).status_code == 302  # not staff: the admin's sign-in
    assert Client().get(HOME)["Location"].startswith("/admin/login/")


def test_admin_labels_are_proper_plurals(db):
    root = signed_in(StaffFactory(username="root", is_superuser=True))
    html = root.get(HOME).content.decode()
    assert "Monthly limits" in html and "limitss" not in html
    assert "Webhook deliveries" in html and "deliverys" not in html
    from generation.models import Batch  # not in the admin, but named in messages

    assert Batch._meta.verbose_name_plural == "batches"


# --- the report ---------------------------------------------------------------------------------

def test_report_shows_money_in_cents_and_tells_local_from_bedrock(finance, usage):
    page = finance.get(REPORT)
    assert page.status_code == 200
    html = page.content.decode()
    assert "0E-" not in html and not re.search(r"\d\.\d{5,}", html)
    acme = re.search(r"<tr>\s*<td><a href=\"/t/acme/usage/\?month=[\d-]+\"[^>]*>acme</a></td>"
                     r"(.*?)</tr>", html, re.S)
    assert acme is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", acme.group(1), re.S)
    assert cells == ["AWS Bedrock", "stable-image-core", "3", "$0.30", "$0.30", "$0.00",
                     "$0.38", "$0.08"]
    globex = html.split('href="/t/globex/usage/', 1)[1].split("</tr>", 1)[0]
    assert "Atelier local renderer" in globex and "$0.0040" in globex  # under a cent
    assert 'id="total-billed">$0.38<' in html  # 0.375 + 0.004 = 0.379


def test_csv_has_cents_never_exponents(finance, usage):
    export = finance.get(REPORT + "?format=csv")
    assert export["Content-Disposition"] == f'attachment; filename="atelier-usage-{usage}.csv"'
    text = export.content.decode()
    assert not re.search(r"\dE[-+]?\d", text, re.I)  # no 0E-15, no 1E+1
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        for column in MONEY_COLUMNS:
            assert CENTS.match(row[column]) or SUB_CENT.match(row[column]), (column, row)
    by_tenant = {row["tenant"]: row for row in rows}
    assert (by_tenant["acme"]["aws_cost_usd"], by_tenant["acme"]["net_aws_cost_usd"],
            by_tenant["acme"]["billed_cost_usd"]) == ("0.30", "0.00", "0.38")
    assert by_tenant["globex"]["provider"] == "Atelier local renderer"
    assert by_tenant["acme"]["provider"] == "AWS Bedrock"
    assert by_tenant["globex"]["billed_cost_usd"] == "0.0040"
    assert rows[-1]["billing_period"] == "total" and rows[-1]["billed_cost_usd"] == "0.38"


def test_the_exact_amounts_are_kept(usage):
    """The events and the report's rows keep four decimals; only what people read rounds."""
    total = usage_rows(month=usage)[-1]
    assert total["billed_cost_usd"] == Decimal("0.3790")
    assert total["net_aws_cost_usd"] == Decimal("0.0000")
    assert sum(e.price_usd for e in UsageEvent.unscoped.all()) == Decimal("0.379")


@pytest.mark.parametrize(("amount", "shown"), [
    ("0", "0.00"), ("0.004", "0.0040"), ("0.00004", "0.00"), ("0.005", "0.0050"),
    ("0.015", "0.02"),
    ("0.125", "0.13"), ("0.30000000000000004", "0.30"), ("-0.0000000000000001", "0.00"),
    ("-0.25", "-0.25"), ("1234.5", "1234.50")])
def test_money_rounds_to_cents(amount, shown):
    assert money(Decimal(amount)) == shown


def test_chart_has_axes_values_and_the_credit_line(finance, usage):
    html = finance.get(REPORT).content.decode()
    chart = html.split('<svg viewBox="0 0 760 280"', 1)[1].split("</svg>", 1)[0]
    assert chart.count('class="bar"') == 1  # one day with spend, one bar (not a block)
    assert "$0.30" in chart  # the bar's value and the left axis in dollars
    assert "<polyline" in chart and "$9.70 credits left" in chart
    assert "Day of" in chart and re.search(r">\$10\.00<", chart)  # the credit axis
    assert "style=" not in html.split('id="content"', 1)[1]  # CSP: no inline styles


def test_an_empty_month_says_so(finance, db):
    html = finance.get(REPORT + "?month=2020-01").content.decode()
    assert "No images were delivered in 2020-01." in html
    assert "No AWS spend in 2020-01" in html
    assert "No credit pools are recorded" in html


def test_a_malformed_month_shows_this_month(finance, usage):
    html = finance.get(REPORT + "?month=<script>").content.decode()
    assert f'value="{usage}"' in html and "<script>" not in html.split('id="content"')[1]


def test_others_cannot_open_the_report(moderator, merchant, db):
    assert moderator.get(REPORT).status_code == 403
    assert moderator.get(REPORT + "?format=csv").status_code == 403
    assert merchant.get(REPORT).status_code == 302
    assert Client().get(REPORT)["Location"].startswith("/admin/login/")


# --- billing records and tenants' Usage pages ----------------------------------------------------

def test_finance_reads_billing_records_but_cannot_change_them(finance, moderator, usage):
    assert finance.get("/admin/billing/creditpool/").status_code == 200
    assert finance.get("/admin/billing/usageevent/").status_code == 200
    assert finance.get("/admin/billing/creditpool/add/").status_code == 403
    assert moderator.get("/admin/billing/creditpool/").status_code == 403


def test_finance_staff_read_any_tenants_usage_page(finance, usage):
    page = finance.get(f"/t/acme/usage/?month={usage}")
    assert page.status_code == 200
    assert "stable-image-core" in page.content.decode()
    assert finance.get("/t/globex/usage/").status_code == 200
    assert finance.post("/t/acme/usage/").status_code == 404  # reading only
    assert finance.get("/t/acme/").status_code == 404  # no other page
    assert finance.get("/t/acme/settings/").status_code == 404
    assert finance.get("/t/nobody/usage/").status_code == 404


def test_other_personas_on_a_tenants_usage_page(moderator, globex, merchant):
    assert moderator.get("/t/acme/usage/").status_code == 404
    assert signed_in(globex.owner).get("/t/acme/usage/").status_code == 404
    assert merchant.get("/t/acme/usage/").status_code == 200  # Acme's own owner
    assert Client().get("/t/acme/usage/").status_code == 302
