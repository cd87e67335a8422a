"""A merchant's whole path in a real browser: sign in, generate a contact sheet with the
`local` provider, pick an image, outpaint it to two ad formats, promote it, download it; and
another tenant's user sees none of it. Screenshots of each main page go to test-output/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from generation.models import Job
from tenants.services import ensure_owner

PASSWORD = "a long demo password"


@pytest.fixture
def owners(acme, globex):
    ensure_owner(acme.tenant, "owner@acme.test", PASSWORD)
    ensure_owner(globex.tenant, "owner@globex.test", PASSWORD)


def test_prompt_to_downloaded_final(session, owners, run_jobs, acme):
    merchant = session()
    page = merchant.page
    merchant.sign_in("owner@acme.test", PASSWORD)
    expect(page).to_have_url(re.compile(r"/t/acme/$"))
    expect(page.get_by_role("heading", name="Generate")).to_be_visible()

    page.get_by_label("Prompt", exact=True).fill("a leather tote bag on white marble")
    page.get_by_label("or size").fill("512x512")
    page.get_by_label("Images", exact=True).fill("4")
    expect(page.locator("#estimate-cost")).to_have_text("$0.00")
    merchant.screenshot("01-generate")
    page.get_by_role("button", name="Generate").click()

    expect(page).to_have_url(re.compile(r"/t/acme/jobs/"))
    expect(page.locator("#job-status")).to_have_text("Succeeded", timeout=60_000)
    expect(page.locator(".sheet img")).to_have_count(4)
    expect(page.locator(".sheet .meta").first).to_contain_text("seed")
    merchant.screenshot("02-contact-sheet")

    page.get_by_role("link", name="Pick").first.click()
    expect(page.get_by_role("heading", name="Picked image")).to_be_visible()
    merchant.screenshot("03-picked")
    page.locator("#tool-outpaint").click()  # the editor opens one tool's panel at a time
    outpaint = page.locator("#action-outpaint")
    outpaint.get_by_label("4:5").check()
    outpaint.get_by_label("16:9").check()
    outpaint.get_by_role("button", name="Outpaint to ad formats").click()
    expect(page.locator(".messages")).to_contain_text("2 jobs started")
    derived = list(Job.objects.for_tenant(acme.tenant).exclude(source_asset=None))
    assert sorted(job.request["aspect_ratio"] for job in derived) == ["16:9", "4:5"]
    run_jobs(*derived)
    page.reload()
    expect(page.locator("#derived .badge.succeeded")).to_have_count(2)

    page.get_by_role("link", name="16:9").click()
    expect(page.locator("#job-status")).to_have_text("Succeeded")
    page.get_by_role("link", name="Pick").first.click()
    page.get_by_role("button", name="Promote to final").click()
    expect(page.locator(".messages")).to_contain_text("Promoted to final")
    expect(page.locator("#asset-stage")).to_have_text("final")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download original").click()
    path = download_info.value.path()
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    assert Image.open(path).size == (910, 512)

    for name, label in (("04-library", "Library"), ("05-batches", "Batches"),
                        ("06-templates", "Templates"), ("07-usage", "Usage"),
                        ("08-settings", "Settings")):
        page.get_by_role("navigation", name="Main").get_by_role("link", name=label).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        merchant.screenshot(name)
    assert merchant.errors == []


def test_another_tenants_user_sees_nothing(session, owners, run_jobs, acme, submit):
    job = submit(n=1, size="256x256")
    run_jobs(job)
    asset = job.assets.get()
    stranger = session()
    stranger.sign_in("owner@globex.test", PASSWORD)
    expect(stranger.page).to_have_url(re.compile(r"/t/globex/$"))
    for path in (f"/t/acme/jobs/{job.pk}/", f"/t/acme/images/{asset.pk}/", "/t/acme/library/",
                 f"/t/globex/jobs/{job.pk}/", f"/t/globex/images/{asset.pk}/"):
        response = stranger.page.goto(path)
        assert response.status == 404, path
    stranger.page.goto("/t/globex/library/")
    expect(stranger.page.locator("#library img")).to_have_count(0)
    assert str(job.pk) not in stranger.page.content()


def test_pages_fit_a_phone(session, owners, run_jobs, submit):
    run_jobs(submit(n=2, size="256x256"))
    phone = session(width=390, height=844)
    phone.sign_in("owner@acme.test", PASSWORD)
    for name, path in (("generate", "/t/acme/"), ("library", "/t/acme/library/"),
                       ("usage", "/t/acme/usage/"), ("settings", "/t/acme/settings/")):
        phone.page.goto(path)
        assert not phone.overflows(), name
        phone.screenshot(f"phone-{name}")
    assert phone.errors == []
