"""The finance report and the review queue in a real browser, on a laptop (1366 x 900) and a
phone (390 x 844): nothing wider than the screen, no console error, no Content-Security-Policy
violation (the session fixture fails the test on any), and a screenshot of each page under
test-output/screenshots/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from assets.models import Asset
from billing.models import CreditAllocation, UsageEvent
from billing.services import current_month
from generation.runner import run_job
from tests.factories import CreditPoolFactory, JobFactory, StaffFactory

PASSWORD = "a long staff password"
SIZES = {"laptop": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def staff(db):
    # The live server's database is emptied between tests, the migrations' groups with it.
    finance = StaffFactory(username="fin@atelier.test", password=PASSWORD)
    finance.groups.add(Group.objects.get_or_create(name="Finance")[0])
    moderator = StaffFactory(username="mod@atelier.test", password=PASSWORD)
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    return finance, moderator


@pytest.fixture
def usage(acme, globex):
    pool = CreditPoolFactory(name="AWS Activate", amount_usd=Decimal("25"), priority=1,
                             expires_in=200)
    month = current_month()
    job = JobFactory(tenant=acme.tenant, n=4)
    for index in range(4):
        event = UsageEvent.unscoped.create(
            tenant=acme.tenant, job=job, index=index, month=month,
            model_key="stable-image-core", aws_cost_usd=Decimal("0.04"),
            price_usd=Decimal("0.055"))
        CreditAllocation.objects.create(event=event, pool=pool, amount_usd=Decimal("0.04"))
    pool.used_usd = Decimal("0.16")
    pool.save()
    local = JobFactory(tenant=globex.tenant, n=1)
    UsageEvent.unscoped.create(tenant=globex.tenant, job=local, index=0, month=month,
                               model_key="local", aws_cost_usd=Decimal("0"),
                               price_usd=Decimal("0.004"))


@pytest.fixture
def pending(submit):
    job = submit(n=3, seed=1, size="512x512")
    run_job(job.pk)
    Asset.unscoped.filter(job=job).update(
        moderation_status="pending_review",
        moderation={"labels": [{"name": "Violence", "confidence": 61.5}],
                    "reasons": ["Violence 62% >= review 50"],
                    "checks": ["local policy", "rekognition"]})
    return list(Asset.unscoped.filter(job=job).order_by("created_at", "pk"))


def admin_session(session, username, size):
    width, height = SIZES[size]
    browser = session(width=width, height=height)
    page = browser.page
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()
    return browser


def assert_fits(browser):
    """Nothing wider than the screen; else which elements stick out."""
    if browser.overflows():
        wide = browser.page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className)""")
        raise AssertionError(f"wider than the screen: {wide}")


def real_errors(browser):
    # The admin has no favicon: the browser's own request for /favicon.ico is a 404.
    return [error for error in browser.errors if "404 (Not Found)" not in error]


@pytest.mark.parametrize("size", SIZES)
def test_finance_report(session, staff, usage, size):
    browser = admin_session(session, "fin@atelier.test", size)
    page = browser.page
    page.get_by_role("link", name="Finance report").click()  # from the admin's home
    expect(page.locator("#total-billed")).to_have_text("$0.22")
    expect(page.locator("#usage-table")).to_contain_text("Atelier local renderer")
    expect(page.locator("#usage-table")).to_contain_text("$0.0040")
    chart = page.locator("#spend-chart")
    expect(chart).to_be_visible()
    figure = page.locator(".atelier-chart").bounding_box()  # the chart scrolls within it
    assert figure["x"] + figure["width"] <= SIZES[size][0]
    assert page.locator("#spend-chart rect.bar").count() == 1
    assert_fits(browser)
    browser.screenshot(f"admin-finance-report-{size}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = download.value.path().read_text()
    assert "0E-" not in text and ",0.16," in text
    page.get_by_role("link", name="acme").click()  # the tenant's Usage page, read-only
    expect(page.get_by_role("heading", level=1)).to_contain_text("Usage in")
    assert_fits(browser)
    assert real_errors(browser) == []


@pytest.mark.parametrize("size", SIZES)
def test_finance_report_of_an_empty_month(session, staff, size):
    browser = admin_session(session, "fin@atelier.test", size)
    browser.page.goto("/admin/finance/report/?month=2020-01")
    expect(browser.page.locator("#pools-empty")).to_contain_text("No credit pools are recorded")
    expect(browser.page.locator("#usage-empty")).to_be_visible()
    expect(browser.page.locator("#chart-empty")).to_be_visible()
    assert_fits(browser)
    browser.screenshot(f"admin-finance-empty-{size}")
    assert real_errors(browser) == []


@pytest.mark.parametrize("size", SIZES)
def test_review_queue_list_and_page(session, staff, pending, size):
    browser = admin_session(session, "mod@atelier.test", size)
    page = browser.page
    page.goto("/admin/moderation/reviewitem/")
    thumbnails = page.locator("img.atelier-thumb")
    expect(thumbnails).to_have_count(3)
    for index in range(3):
        thumbnails.nth(index).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=thumbnails.nth(index).element_handle())
    expect(page.locator("#result_list")).to_contain_text("Violence 62% >= review 50")
    assert_fits(browser)
    browser.screenshot(f"admin-review-queue-{size}")

    thumbnails.first.click()
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    page.wait_for_function("() => document.getElementById('review-image').naturalWidth > 0")
    browser.screenshot(f"admin-review-item-{size}")
    assert_fits(browser)
    page.get_by_role("button", name="Reject").click()  # no reason: refused, field named
    expect(page.locator("#review-decision .errorlist")).to_contain_text("Reason:")
    browser.screenshot(f"admin-review-item-error-{size}")
    page.get_by_label("Reason (required to reject)").select_option("Violence")
    page.get_by_role("button", name="Reject").click()
    expect(page.locator(".messagelist .success")).to_contain_text("rejected")
    browser.screenshot(f"admin-review-item-next-{size}")
    pending[0].refresh_from_db()
    assert pending[0].moderation_status == "rejected"
    page.get_by_role("button", name="Approve").click()  # the next image, approved
    expect(page.locator(".messagelist .success")).to_contain_text("approved")
    assert_fits(browser)
    assert real_errors(browser) == []
