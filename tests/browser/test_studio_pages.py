"""The studio in a real browser, on a desktop (1366x900) and a phone (390x844): the job page,
the Library, a batch and the templates fit the screen, show every image in a card no taller
than 1.6x its width, show images on a job's first screen, reveal an image's details on hover
or tap, compare and delete a selection (asking first), mark a stale estimate, and leave the
console free of errors and Content-Security-Policy violations. Screenshots of each page go to
test-output/screenshots/studio-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from generation.batches import submit_batch
from generation.models import BrandTemplate, Job
from tenants.services import ensure_owner

PASSWORD = "a long demo password"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
CARDS = ".sheet > li.tile"


@pytest.fixture
def studio(acme, submit, run_jobs):
    """Acme's owner, a square job, a job of tall images, a batch of three rows, a template."""
    ensure_owner(acme.tenant, "owner@acme.test", PASSWORD)
    square = submit(n=4, size="512x512", prompt="a leather tote bag on white marble, soft light")
    tall = submit(n=2, size="448x832", prompt="a tall glass vase with dried flowers")
    csv = b"sku,prompt,n\nTOTE-1,a tan tote on linen,1\nTOTE-2,a black tote on slate,1\n" \
          b"VASE-1,a vase by a window,1\n"
    batch = submit_batch(acme.tenant, csv_data=csv, model="local", name="Spring catalog")
    run_jobs(square, tall, *Job.objects.for_tenant(acme.tenant).filter(batch=batch))
    BrandTemplate.objects.for_tenant(acme.tenant).create(
        name="Studio packshot", prompt="a {product} on {surface}, soft studio light",
        negative_prompt="text, watermark", model_key="local", aspect_ratio="4:5",
        slot_defaults={"surface": "white marble"})
    return {"square": square, "tall": tall, "batch": batch}


def wait_until(page, condition: str, *, seconds: float = 20) -> None:
    """Poll `condition` with page.evaluate (wait_for_function would need eval, which the
    Content-Security-Policy refuses)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(condition):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {condition}")


def card_shapes(page) -> list[tuple[float, float]]:
    return page.evaluate(f"""Array.from(document.querySelectorAll("{CARDS}")).map((li) => {{
        const box = li.getBoundingClientRect(); return [box.width, box.height]; }})""")


def check_page(merchant, name: str, *, cards: int | None = None) -> None:
    page = merchant.page
    assert not merchant.overflows(), f"{name}: wider than the screen"
    shapes = card_shapes(page)
    if cards is not None:
        assert len(shapes) == cards, name
    for width, height in shapes:
        assert width > 0 and height <= 1.6 * width, f"{name}: a card {width}x{height}"
    merchant.screenshot(name)


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_the_studio_pages_fit_and_show_images(session, studio, device):
    width, height = VIEWPORTS[device]
    merchant = session(width=width, height=height)
    page = merchant.page
    merchant.sign_in("owner@acme.test", PASSWORD)

    page.goto(f"/t/acme/jobs/{studio['square'].pk}/")
    expect(page.locator("#job-status")).to_have_text("Succeeded")
    wait_until(page, """Array.from(document.querySelectorAll(".sheet img")).some((img) =>
        img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().bottom > 0
        && img.getBoundingClientRect().top < window.innerHeight)""")
    first_screen = page.evaluate("""Array.from(document.querySelectorAll(".sheet img")).filter(
        (img) => img.getBoundingClientRect().top < window.innerHeight).length""")
    assert first_screen >= 2, "the first screen of a job shows its images"
    check_page(merchant, f"studio-{device}-job", cards=4)
    merchant.screenshot(f"studio-{device}-job-first-screen", full_page=False)

    page.goto(f"/t/acme/jobs/{studio['tall'].pk}/")
    expect(page.locator("#job-status")).to_have_text("Succeeded")
    check_page(merchant, f"studio-{device}-job-tall", cards=2)

    page.goto("/t/acme/library/")
    check_page(merchant, f"studio-{device}-library", cards=9)
    page.get_by_role("searchbox").fill("TOTE-")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(CARDS)).to_have_count(2)
    check_page(merchant, f"studio-{device}-library-search", cards=2)

    page.goto(f"/t/acme/batches/{studio['batch'].pk}/")
    expect(page.locator("#batch-status")).to_have_text("Completed")
    expect(page.locator("#batch-results .badge")).to_have_text(["Succeeded"] * 3)
    expect(page.locator("#batch-downloads")).to_contain_text("Promote 3 drafts to final")
    check_page(merchant, f"studio-{device}-batch")

    page.goto("/t/acme/templates/")
    check_page(merchant, f"studio-{device}-templates")
    page.get_by_role("link", name="Edit").first.click()
    expect(page.locator("#slot-list")).to_contain_text("surface")
    check_page(merchant, f"studio-{device}-template-form")
    assert merchant.errors == []


def test_details_on_hover_and_tap_compare_and_a_delete_that_asks_first(session, studio):
    merchant = session(width=1366, height=900)
    page = merchant.page
    merchant.sign_in("owner@acme.test", PASSWORD)
    page.goto(f"/t/acme/jobs/{studio['square'].pk}/")
    first = page.locator(CARDS).first
    info = first.locator(".info")
    expect(info).to_be_hidden()
    first.locator(".frame").hover()
    expect(info).to_be_visible()
    expect(info).to_contain_text("Atelier local renderer")
    expect(info).to_contain_text("$0.00")
    merchant.screenshot("studio-desktop-card-details", full_page=False)

    boxes = page.locator("input[data-select-item]")
    compare = page.get_by_role("button", name="Compare")
    expect(compare).to_be_disabled()  # nothing selected yet
    boxes.nth(0).check()
    boxes.nth(2).check()
    expect(page.locator("[data-selected-count]")).to_have_text("2 images selected.")
    compare.click()
    expect(page.get_by_role("heading", name="Compare 2 images")).to_be_visible()
    expect(page.locator("#compare > li")).to_have_count(2)
    assert not merchant.overflows()
    merchant.screenshot("studio-desktop-compare")

    page.goto(f"/t/acme/jobs/{studio['square'].pk}/")
    boxes = page.locator("input[data-select-item]")
    for index in (0, 1):
        boxes.nth(index).check()
    page.get_by_role("button", name="Delete…").click()
    expect(page.get_by_role("heading", name="Delete 2 images?")).to_be_visible()
    assert studio["square"].assets.count() == 4  # asked, nothing deleted yet
    merchant.screenshot("studio-desktop-confirm-delete")
    page.get_by_role("button", name="Delete 2 images").click()
    expect(page.locator(".messages")).to_contain_text("Deleted 2 images.")
    assert studio["square"].assets.count() == 2

    page.goto("/t/acme/templates/")
    page.get_by_role("link", name="Delete the template Studio packshot").click()
    expect(page.get_by_role("heading", name=re.compile("Delete the template"))).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("cell", name="Studio packshot", exact=True)).to_be_visible()
    assert merchant.errors == []


def test_a_phone_taps_for_details(session, studio):
    phone = session(width=390, height=844)
    page = phone.page
    phone.sign_in("owner@acme.test", PASSWORD)
    page.goto("/t/acme/library/")
    card = page.locator(CARDS).first
    expect(card.locator(".info")).to_be_hidden()
    card.get_by_role("button", name="Details").click()
    expect(card.locator(".info")).to_be_visible()
    expect(card.locator(".info")).to_contain_text("Seed")
    card.scroll_into_view_if_needed()
    phone.screenshot("studio-phone-card-details", full_page=False)
    assert phone.errors == []


def test_an_estimate_for_an_invalid_form_is_not_left_on_screen(session, studio):
    merchant = session(width=1366, height=900)
    page = merchant.page
    merchant.sign_in("owner@acme.test", PASSWORD)
    page.get_by_label("Prompt", exact=True).fill("a leather tote bag")
    expect(page.locator("#estimate-cost")).to_have_text("$0.00")
    page.get_by_label("Model").select_option("stable-image-ultra")
    expect(page.locator("#n")).to_have_attribute("max", "10")
    page.get_by_label("Images", exact=True).fill("40")
    expect(page.locator("#estimate-error")).to_contain_text("No estimate yet")
    expect(page.locator("#estimate-cost")).to_have_count(0)
    merchant.screenshot("studio-desktop-stale-estimate", full_page=False)
    page.get_by_label("Images", exact=True).fill("2")
    expect(page.locator("#estimate-cost")).to_be_visible()
    expect(page.locator("#estimate-detail")).to_contain_text("on Stable Image Ultra")
    assert merchant.errors == []
