"""The Usage page: the month's quota, spend per model, and spend by day against the budget,
from the tenant's own usage events only."""

from decimal import Decimal

from django.urls import reverse

from billing.services import set_monthly_limits
from generation.runner import run_job
from tests.factories import JobFactory


def deliver(tenant, model, n):
    job = JobFactory(tenant=tenant, model=model, prompt="a lamp", n=n, aspect_ratio="1:1")
    run_job(job.pk)
    return job


def test_usage_shows_the_quota_models_and_days(browser, acme, globex):
    set_monthly_limits(acme.tenant, images=20, budget_usd=Decimal("5.00"))
    deliver(acme.tenant, "stable-image-core", 3)
    deliver(acme.tenant, "local", 2)
    deliver(globex.tenant, "stable-image-ultra", 4)
    response = browser.get(reverse("dashboard-usage", args=["acme"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<strong id="usage-images">5</strong>' in page
    assert "15 images left" in page
    rows = {row["model_key"]: row for row in response.context["by_model"]}
    assert set(rows) == {"stable-image-core", "local"}
    assert rows["stable-image-core"]["spend"] == Decimal("0.12")
    chart = response.context["chart"]
    assert len(chart["bars"]) >= 28 and len(chart["days"]) == 1
    assert chart["days"][0]["total"] == Decimal("0.12")
    assert chart["budget_y"] is not None and "$0.12" in page and "$5.00" in page
    assert "stable-image-ultra" not in page


def test_a_bad_month_falls_back_to_this_month(browser):
    response = browser.get(reverse("dashboard-usage", args=["acme"]), {"month": "2026-13"})
    assert response.status_code == 200
    assert response.context["month"] != "2026-13"
