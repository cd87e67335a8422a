"""The Content-Security-Policy in a real browser: the pages that the merchant's path does not
open (the tenant switcher, a secret shown once, the mask editor, the admin, the finance report,
the API's Swagger UI) work under it and cause no violation. The session fixture fails any test
that caused one; the first test checks that it does notice them."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from billing.services import set_monthly_limits
from tenants.services import ensure_owner

PASSWORD = "a long demo password"


@pytest.fixture
def owner(acme, globex):
    """Acme's owner, who is also an owner of Globex (so the tenant switcher is shown)."""
    user, _ = ensure_owner(acme.tenant, "owner@acme.test", PASSWORD)
    ensure_owner(globex.tenant, "owner@acme.test", PASSWORD)
    return user


@pytest.fixture
def admin_user(db):
    user = get_user_model().objects.create_superuser("root@atelier.test", "root@atelier.test",
                                                     PASSWORD)
    user.groups.add(*(Group.objects.get_or_create(name=name)[0]
                      for name in ("Moderators", "Finance")))
    return user


def test_violations_are_noticed(session, owner):
    merchant = session()
    merchant.sign_in("owner@acme.test", PASSWORD)
    merchant.page.evaluate("""() => {
        const div = document.createElement("div");
        div.innerHTML = '<span style="color: red">inline style</span>';
        document.body.append(div);
        const script = document.createElement("script");
        script.textContent = "window.ranInline = true";
        document.body.append(script);
    }""")
    merchant.page.wait_for_timeout(200)
    assert merchant.page.evaluate("window.ranInline") is None  # the inline script was refused
    directives = {v["directive"] for v in merchant.violations if isinstance(v, dict)}
    assert {"style-src-attr", "script-src-elem"} <= directives, merchant.violations
    merchant.violations.clear()  # noticed; the fixture would fail the test otherwise


def test_switcher_secret_once_and_settings(session, owner, acme):
    merchant = session()
    page = merchant.page
    merchant.sign_in("owner@acme.test", PASSWORD)
    expect(page).to_have_url(re.compile(r"/t/acme/$"))
    page.get_by_label("Tenant").select_option("globex")  # submits itself (app.js)
    expect(page).to_have_url(re.compile(r"/t/globex/$"))
    page.get_by_label("Tenant").select_option("acme")
    expect(page).to_have_url(re.compile(r"/t/acme/$"))

    page.goto("/t/acme/settings/")
    page.get_by_label("New key's name").fill("storefront")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("heading", name="New API key")).to_be_visible()
    secret = page.get_by_label("Secret")
    secret.focus()  # selects the whole secret (app.js)
    assert page.evaluate("window.getSelection().toString() || "
                         "document.activeElement.value.substring("
                         "document.activeElement.selectionStart,"
                         "document.activeElement.selectionEnd)") == secret.input_value()
    merchant.screenshot("csp-secret-once")

    page.goto("/t/acme/usage/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert merchant.errors == []


def test_meters_are_drawn_without_inline_style(session, owner, acme, run_jobs, submit):
    """The quota meters are SVG (a style="width: …" would be refused), also when htmx swaps
    the estimate in."""
    run_jobs(submit(n=2, size="256x256"))
    set_monthly_limits(acme.tenant, images=8, budget_usd=None)
    merchant = session()
    merchant.sign_in("owner@acme.test", PASSWORD)
    merchant.page.goto("/t/acme/usage/")
    meter = merchant.page.locator(".meter").first
    bar = meter.locator("rect").bounding_box()
    assert abs(bar["width"] / meter.bounding_box()["width"] - 0.25) < 0.02  # 2 of 8 images
    merchant.page.goto("/t/acme/")
    expect(merchant.page.locator("#estimate .meter rect")).to_have_count(1)  # swapped in
    merchant.screenshot("csp-usage-meter")
    assert merchant.errors == []


def test_mask_editor_paints_under_the_policy(session, owner, run_jobs, submit):
    job = submit(n=1, size="256x256")
    run_jobs(job)
    asset = job.assets.get()
    merchant = session()
    merchant.sign_in("owner@acme.test", PASSWORD)
    merchant.page.goto(f"/t/acme/images/{asset.pk}/?tool=inpaint")
    editor = merchant.page.locator("[data-editor]")
    if merchant.page.locator("#action-inpaint").count() == 0:
        pytest.skip("no model offers inpainting here")
    editor.locator("canvas").scroll_into_view_if_needed()
    box = editor.locator("canvas").bounding_box()
    merchant.page.mouse.move(box["x"] + 20, box["y"] + 20)
    merchant.page.mouse.down()
    merchant.page.mouse.move(box["x"] + 60, box["y"] + 60)
    merchant.page.mouse.up()
    expect(editor).to_have_attribute("data-painted", "true")
    assert merchant.errors == []


def test_admin_and_finance_report(session, admin_user, acme):
    staff = session()
    page = staff.page
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("root@atelier.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()
    for path in ("/admin/", "/admin/tenants/apikey/", "/admin/tenants/apikey/add/",
                 "/admin/tenants/tenant/", f"/admin/tenants/tenant/{acme.tenant.pk}/change/",
                 "/admin/moderation/reviewitem/", "/admin/finance/report/"):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
    staff.screenshot("csp-admin-finance-report")
    # The admin has no favicon: the browser's own request for /favicon.ico is a 404.
    assert [error for error in staff.errors if "404 (Not Found)" not in error] == []


def test_swagger_ui(session, db):
    visitor = session()
    visitor.page.goto("/api/docs/")
    expect(visitor.page.locator(".swagger-ui .info .title")).to_contain_text("Atelier API",
                                                                             timeout=30_000)
    expect(visitor.page.locator(".opblock").first).to_be_visible()
    visitor.page.locator(".opblock-summary").first.click()  # expand one operation
    visitor.page.wait_for_timeout(300)
    visitor.screenshot("csp-swagger-ui")
    assert visitor.errors == []
