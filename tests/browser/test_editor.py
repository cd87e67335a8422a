"""The editor around a picked image in a real browser, on a desktop (1366x900) and a phone
(390x844): it fits the screen, shows a price on every tool, opens one panel at a time, paints
an inpaint mask with a pointer (which enables the submit), previews each outpaint frame, and
leaves the console free of errors and Content-Security-Policy violations. Screenshots go to
test-output/screenshots/editor-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from generation.models import Job
from tenants.services import ensure_owner
from tests.browser.test_studio_pages import wait_until

PASSWORD = "a long demo password"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
PRICE = re.compile(r"^\$\d+\.\d{2,4}( a format)?$")


@pytest.fixture
def picked(acme, submit, run_jobs):
    ensure_owner(acme.tenant, "owner@acme.test", PASSWORD)
    job = submit(n=1, size="512x512", seed=7,
                 prompt="a leather tote bag on white marble, soft light")
    run_jobs(job)
    return Job.objects.for_tenant(acme.tenant).get(pk=job.pk).assets.get()


def paint(page, selector: str) -> None:
    canvas = page.locator(selector)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and box["width"] > 50, "the canvas is not on screen"
    page.mouse.move(box["x"] + box["width"] * .3, box["y"] + box["height"] * .3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * .5, box["y"] + box["height"] * .45, steps=6)
    page.mouse.up()


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_the_editor_fits_prices_every_tool_and_paints_a_mask(session, picked, device):
    width, height = VIEWPORTS[device]
    merchant = session(width=width, height=height)
    page = merchant.page
    merchant.sign_in("owner@acme.test", PASSWORD)
    page.goto(f"/t/acme/images/{picked.pk}/")
    wait_until(page, "document.querySelector('#picked').complete")
    assert not merchant.overflows(), "the editor is wider than the screen"

    prices = page.locator(".tool-price")
    assert prices.count() == 12
    for tool, text in zip(page.locator(".tool").evaluate_all(
            "tools => tools.map(t => t.dataset.tool)"), prices.all_inner_texts(), strict=True):
        # A scene places a cut-out, and this picture has no transparency: it says so.
        assert PRICE.match(text.strip()) or (tool, text.strip()) == ("scene", "can't run"), text
    expect(page.locator("[data-panel]:visible")).to_have_count(0)
    merchant.screenshot(f"editor-{device}", full_page=False)

    # One panel at a time, each with its price and its submit.
    for tool in ("upscale", "variations", "replace_background"):
        page.locator(f"#tool-{tool}").click()
        expect(page.locator("[data-panel]:visible")).to_have_count(1)
        expect(page.locator(f"#action-{tool}")).to_be_visible()
        expect(page.locator(f"#price-{tool}")).to_have_text(PRICE)
    assert "tool=replace_background" in page.url

    # Outpaint: a frame per format; choosing one prices it and enables the submit.
    page.locator("#tool-outpaint").click()
    expect(page.locator("#submit-outpaint")).to_be_disabled()
    expect(page.locator("#action-outpaint .frame-box")).to_have_count(4)
    page.locator("#action-outpaint").get_by_label("16:9").check()
    page.locator("#action-outpaint").get_by_label("9:16").check()
    expect(page.locator("#submit-outpaint")).to_be_enabled()
    expect(page.locator("#estimate-outpaint")).to_contain_text("in 2 jobs")
    assert not merchant.overflows()
    merchant.screenshot(f"editor-{device}-outpaint")

    # Inpaint: nothing painted, nothing to submit; a stroke of the pointer enables it.
    page.locator("#tool-inpaint").click()
    expect(page.locator("canvas[data-mask-canvas]")).to_be_visible()
    expect(page.locator("#submit-inpaint")).to_be_disabled()
    expect(page.locator("#missing-inpaint")).to_contain_text("Paint over the area")
    paint(page, "canvas[data-mask-canvas]")
    expect(page.locator("#submit-inpaint")).to_be_enabled()
    expect(page.locator("#missing-inpaint")).to_have_count(0)
    expect(page.locator("#price-inpaint")).to_have_text(PRICE)
    assert not merchant.overflows()
    merchant.screenshot(f"editor-{device}-inpaint", full_page=False)
    page.locator("[data-mask-undo]").click()
    expect(page.locator("#submit-inpaint")).to_be_disabled()
    paint(page, "canvas[data-mask-canvas]")
    page.locator("#prompt-inpaint").fill("a red enamel vase")
    page.locator("#submit-inpaint").click()
    expect(page).to_have_url(re.compile(r"/t/acme/jobs/"))
    job = Job.unscoped.get(operation="inpaint", source_asset=picked)
    assert job.request["mask"] and job.prompt == "a red enamel vase"
    assert merchant.errors == []


def test_a_touch_screen_paints_the_mask(session, picked, chromium, live_server):
    """A finger on a phone: touch pointer events on the canvas enable the submit."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390,
                                                                      "height": 844},
                                   has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto("/login/")
        page.get_by_label("E-mail").fill("owner@acme.test")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"/t/acme/images/{picked.pk}/?tool=inpaint")
        canvas = page.locator("canvas[data-mask-canvas]")
        expect(canvas).to_be_visible()
        expect(page.locator("#submit-inpaint")).to_be_disabled()
        box = canvas.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for kind, dx in (("pointerdown", 0), ("pointermove", 20), ("pointermove", 40),
                         ("pointerup", 40)):
            canvas.dispatch_event(kind, {"pointerType": "touch", "pointerId": 7,
                                         "isPrimary": True, "button": 0, "bubbles": True,
                                         "clientX": x + dx, "clientY": y + dx})
        expect(page.locator("#submit-inpaint")).to_be_enabled()
        assert errors == []
    finally:
        context.close()
