"""Every page in a real browser, on a desktop (1366x900) and a phone (390x844): each page of the
dashboard (dashboard/urls.py: the public ones, the tenant's pages, the confirmations, the
secret shown once) and the admin's pages for moderators (the review queue, one image in it) and
for finance (the admin's home, the finance report), each with the data it shows.

On every page: nothing wider than the screen, no console error, no Content-Security-Policy
violation, every image card at most 1.6x as tall as it is wide, and next to every action that
costs money a visible price. A page's problems are collected and the test fails at its end with
all of them, page by page. A screenshot of each page at each size goes to
test-output/screenshots/page-<name>-<size>.png.

One browser context per size, the pages in sequence (each size signs in as each persona in
turn): the data is made once per size, with the `local` provider (offline).
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from assets.models import Asset
from catalog.requests import JobRequest
from generation.batches import submit_batch
from generation.models import BrandTemplate, Job, WebhookEndpoint
from generation.services import submit_job
from tenants.services import ensure_owner
from tests.browser.test_studio_pages import wait_until
from tests.factories import StaffFactory, UserFactory
from tests.provenance.c2pa_checks import stored

PASSWORD = "a long demo password"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
# Image cards: a contact sheet's or the Library's tiles, and the frames of a comparison.
CARDS = ".sheet > li.tile, #compare > li .frame"
PRICE = re.compile(r"\$\d+\.\d{2,4}")
# A price is "next to" its action when at most this far from it, across and down: on the
# same screenful, read together with it.
NEAR = 160


@pytest.fixture
def atelier(acme, globex, submit, run_jobs):
    """Acme's owner with a job of four images, an outpaint of one of them, a batch of three
    rows, a template and a webhook; a user in no tenant; Globex's images waiting for a
    moderator; a moderator and a member of Finance."""
    ensure_owner(acme.tenant, "owner@acme.test", PASSWORD)
    job = submit(n=4, size="512x512", seed=11,
                 prompt="a leather tote bag on white marble, soft light")
    csv = (b"sku,prompt,n\nTOTE-1,a tan tote on linen,1\nTOTE-2,a black tote on slate,1\n"
           b"VASE-1,a tall glass vase by a window with dried flowers,1\n")
    batch = submit_batch(acme.tenant, csv_data=csv, model="local", name="Spring catalog")
    review = submit(globex.tenant, n=2, size="512x512", seed=3, prompt="a kitchen knife")
    run_jobs(job, review, *Job.objects.for_tenant(acme.tenant).filter(batch=batch))
    picked = job.assets.order_by("index").first()
    outpaint = submit_job(acme.tenant, JobRequest(
        model="stability-outpaint", operation="outpaint", images=[str(picked.pk)],
        aspect_ratio="16:9", prompt="a leather tote bag on white marble, soft light"),
        source_asset=picked)  # as the editor submits it: the image it was made from
    run_jobs(outpaint)
    Asset.unscoped.filter(job=review).update(
        moderation_status="pending_review",
        moderation={"labels": [{"name": "Weapons", "confidence": 61.5}],
                    "reasons": ["Weapons 62% >= review 50"],
                    "checks": ["local policy", "rekognition"]})
    template = BrandTemplate.objects.for_tenant(acme.tenant).create(
        name="Studio packshot", prompt="a {product} on {surface}, soft studio light",
        negative_prompt="text, watermark", model_key="local", aspect_ratio="4:5",
        slot_defaults={"surface": "white marble"})
    # After the jobs ran: no delivery is attempted to it.
    webhook = WebhookEndpoint.objects.for_tenant(acme.tenant).create(
        url="https://hooks.example.com/atelier/integrations/storefront-sync/v2/receive-events",
        events=["job.succeeded", "job.failed"], secret="whsec_test", description="storefront")
    UserFactory(username="nobody@atelier.test", password=PASSWORD)
    moderator = StaffFactory(username="mod@atelier.test", password=PASSWORD)
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    finance = StaffFactory(username="fin@atelier.test", password=PASSWORD)
    finance.groups.add(Group.objects.get_or_create(name="Finance")[0])
    return SimpleNamespace(
        job=job, batch=batch, template=template, webhook=webhook, key=acme.key.api_key,
        picked=picked, assets=list(job.assets.order_by("index")),
        outpainted=Job.objects.for_tenant(acme.tenant).get(pk=outpaint.pk).assets.get(),
        review=list(Asset.unscoped.filter(job=review).order_by("index")))


class Tour:
    """One browser context at one size, visiting pages in sequence and noting each page's
    problems (the Session's console errors and CSP violations are counted per page)."""

    def __init__(self, browser: Any, size: str):
        self.browser, self.size, self.page = browser, size, browser.page
        self.width, self.height = SIZES[size]
        self.problems: list[str] = []
        self.visited: list[str] = []
        self.seen = (0, 0)  # the console errors and CSP violations before this page

    def goto(self, path: str, *, status: int = 200) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == status, \
            f"{path}: {response and response.status}"

    def settle(self) -> None:
        """Loaded, htmx idle, every image in (lazy ones too: the screenshot shows the whole
        page)."""
        self.page.wait_for_load_state("load")
        self.page.evaluate("""document.querySelectorAll('img[loading="lazy"]')
            .forEach((img) => { img.loading = "eager"; })""")
        wait_until(self.page, """Array.from(document.images).every((img) => img.complete)
            && !document.querySelector(".htmx-request")""")

    def check(self, name: str, *, cards: int = 0, prices: tuple[tuple[str, str], ...] = (),
              status: int = 200) -> None:
        """This page as it stands: `cards` image cards (no more, no fewer), each action's
        price (selectors of the action and of its price) next to it. A page served with an
        error `status` on purpose has the browser's own console line about it, and no other."""
        self.settle()
        errors_before, violations_before = self.seen
        problems = [*self._overflow(), *self._cards(cards)]
        for action, price in prices:
            problems += self._price(action, price)
        self.browser.screenshot(f"page-{name}-{self.size}")
        self.page.wait_for_timeout(50)  # a violation's report is still on its way
        own = f"Failed to load resource: the server responded with a status of {status} "
        problems += [f"console: {e}" for e in self.browser.errors[errors_before:]
                     if status == 200 or not e.startswith(own)]
        problems += [f"CSP: {v}" for v in self.browser.violations[violations_before:]]
        self.problems += [f"{name} ({self.size}): {p}" for p in problems]
        self.visited.append(name)
        self.seen = (len(self.browser.errors), len(self.browser.violations))

    def _overflow(self) -> list[str]:
        scroll = self.page.evaluate("document.documentElement.scrollWidth")
        if scroll <= self.width:
            return []
        # What sticks out, but not what scrolls within a box of its own (a table's wrapper).
        wide = self.page.evaluate("""(width) => {
            const scrolls = (e) => {
                for (let box = e.parentElement; box && box !== document.body;
                     box = box.parentElement) {
                    if (getComputedStyle(box).overflowX !== "visible") return true;
                }
                return false;
            };
            return Array.from(document.querySelectorAll("body *"))
                .filter((e) => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
                .slice(0, 6).map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                  + (typeof e.className === "string" && e.className ? "." + e.className : ""));
        }""", self.width)
        return [f"{scroll}px wide on a {self.width}px screen: {wide}"]

    def _cards(self, expected: int) -> list[str]:
        shapes = self.page.evaluate(f"""Array.from(document.querySelectorAll("{CARDS}"))
            .map((card) => {{ const box = card.getBoundingClientRect();
                              return [box.width, box.height]; }})""")
        problems = [] if len(shapes) == expected else [
            f"{len(shapes)} image cards, expected {expected}"]
        return problems + [f"a card {w:.0f}x{h:.0f}, taller than 1.6x its width"
                           for w, h in shapes if not (w > 0 and h <= 1.6 * w)]

    def _price(self, action: str, price: str) -> list[str]:
        button, figure = self.page.locator(action), self.page.locator(price)
        if button.count() != 1 or not button.is_visible():
            return [f"action {action}: not shown"]
        if figure.count() != 1 or not figure.is_visible():
            return [f"action {action}: no visible price ({price})"]
        text = figure.inner_text().strip()
        if not PRICE.search(text):
            return [f"action {action}: its price reads {text!r}"]
        a, b = button.bounding_box(), figure.bounding_box()
        across = max(0, b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]))
        down = max(0, b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]))
        if across > NEAR or down > NEAR:
            return [f"action {action}: its price {text} is {across:.0f}px across, "
                    f"{down:.0f}px down from it"]
        if b["x"] + b["width"] > self.width + 1:
            return [f"action {action}: its price {text} is off the screen"]
        return []

    def sign_in_admin(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.goto("/admin/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        expect(self.page.locator("#site-name")).to_be_visible()


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_fits_is_quiet_and_prices_what_costs(session, atelier, size):
    width, height = SIZES[size]
    tour = Tour(session(width=width, height=height), size)
    page, data = tour.page, atelier

    # --- signed out: the sign-in page and the public verification --------------------------
    tour.goto("/login/")
    tour.check("login")
    tour.goto("/verify")
    tour.check("verify")
    page.get_by_label("Image").set_input_files(
        files=[{"name": "tote.png", "mimeType": "image/png", "buffer": stored(data.picked)}])
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verdict")).to_have_text("Made by Atelier, unchanged")
    tour.check("verify-report")

    # --- the tenant's pages -----------------------------------------------------------------
    tour.browser.sign_in("owner@acme.test", PASSWORD)
    expect(page).to_have_url(re.compile(r"/t/acme/$"))
    page.get_by_label("Prompt", exact=True).fill("a leather tote bag on white marble")
    expect(page.locator("#estimate-cost")).to_be_visible()
    tour.check("generate", prices=(("#generate-submit", "#estimate-cost"),))
    tour.goto(f"/t/acme/?template={data.template.pk}")
    expect(page.locator("#slot_product")).to_be_visible()
    page.locator("#slot_product").fill("canvas tote")
    expect(page.locator("#estimate-cost")).to_be_visible()
    tour.check("generate-template", prices=(("#generate-submit", "#estimate-cost"),))

    tour.goto(f"/t/acme/jobs/{data.job.pk}/")
    expect(page.locator("#job-status")).to_have_text("Succeeded")
    tour.check("job", cards=4)
    tour.goto(f"/t/acme/jobs/{data.outpainted.job_id}/")
    tour.check("job-outpaint", cards=1)

    tools = ("variations", "finish", "upscale", "inpaint", "search_replace", "outpaint",
             "remove_background", "replace_background", "packshot", "shadow", "conform")
    tour.goto(f"/t/acme/images/{data.picked.pk}/")
    # Every tool has a price, but the scene: this picture is no cut-out, and it says so.
    expect(page.locator(".tool-price")).to_have_count(len(tools) + 1)
    expect(page.locator("#tool-scene .tool-price")).to_have_text("can't run")
    tour.check("editor", prices=tuple((f"#tool-{t}", f"#tool-{t} .tool-price") for t in tools))
    tour.goto(f"/t/acme/images/{data.picked.pk}/?tool=packshot")
    tour.check("editor-packshot", prices=(("#submit-packshot", "#price-packshot"),))
    page.locator("#compliance-preset").select_option("amazon-main")
    page.locator("#compliance-run").click()
    expect(page.locator("#compliance-rules")).to_be_visible()
    tour.check("editor-compliance")
    tour.goto(f"/t/acme/images/{data.picked.pk}/?tool=upscale")
    tour.check("editor-upscale", prices=(("#submit-upscale", "#price-upscale"),))
    tour.goto(f"/t/acme/images/{data.picked.pk}/?tool=outpaint")
    page.locator("#action-outpaint").get_by_label("16:9").check()
    expect(page.locator("#submit-outpaint")).to_be_enabled()
    tour.check("editor-outpaint", prices=(("#submit-outpaint", "#price-outpaint"),))
    tour.goto(f"/t/acme/images/{data.outpainted.pk}/")
    expect(page.locator("[data-before-after]")).to_be_visible()
    tour.check("editor-outpainted", prices=(("#tool-upscale", "#tool-upscale .tool-price"),))

    tour.goto("/t/acme/library/")
    tour.check("library", cards=8)
    ids = "&".join(f"ids={asset.pk}" for asset in data.assets[:3])
    tour.goto(f"/t/acme/images/compare?{ids}")
    tour.check("compare", cards=3)
    tour.goto(f"/t/acme/jobs/{data.job.pk}/")
    for index in (0, 1):
        page.locator("input[data-select-item]").nth(index).check()
    page.get_by_role("button", name="Delete…").click()
    expect(page.get_by_role("heading", name="Delete 2 images?")).to_be_visible()
    tour.check("confirm-delete-images", cards=2)

    tour.goto("/t/acme/batches/")
    tour.check("batches")
    tour.goto("/t/acme/batches/new")
    tour.check("batch-new")
    page.get_by_label("CSV file").set_input_files(files=[{
        "name": "summer.csv", "mimeType": "text/csv",
        "buffer": b"sku,prompt,n\nHAT-1,a straw sun hat on a wooden chair by the sea,2\n"
                  b"HAT-2,a panama hat on a linen tablecloth,1\n"}])
    page.get_by_label("Model for rows without one").select_option("local")
    page.get_by_role("button", name="Check and preview").click()
    expect(page.locator("#batch-estimate")).to_contain_text("2 rows, 3 images")
    tour.check("batch-new-preview", prices=(("#batch-start", "#batch-start"),))
    tour.goto(f"/t/acme/batches/{data.batch.pk}/")
    expect(page.locator("#batch-status")).to_have_text("Completed")
    tour.check("batch")

    tour.goto("/t/acme/templates/")
    tour.check("templates")
    tour.goto("/t/acme/templates/new")
    tour.check("template-new")
    tour.goto(f"/t/acme/templates/{data.template.pk}/")
    expect(page.locator("#slot-list")).to_contain_text("surface")
    tour.check("template-edit")
    tour.goto(f"/t/acme/templates/{data.template.pk}/delete")
    tour.check("confirm-delete-template")

    tour.goto("/t/acme/usage/")
    expect(page.locator("#usage-images")).to_have_text("8")
    tour.check("usage")
    tour.goto("/t/acme/settings/")
    tour.check("settings")
    page.get_by_label("New key's name").fill("storefront")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("heading", name="New API key")).to_be_visible()
    tour.check("secret-once")
    tour.goto(f"/t/acme/settings/keys/{data.key.pk}/revoke")
    tour.check("confirm-revoke-key")
    tour.goto(f"/t/acme/settings/webhooks/{data.webhook.pk}/delete")
    tour.check("confirm-delete-webhook")

    tour.goto("/t/acme/trials/")
    tour.check("trials")
    page.get_by_label("Prompts").fill("a tan tote on linen\na tall glass vase by a window")
    for model in ("local", "stable-image-core"):
        page.locator(f"input[name=models][value='{model}']").check()
    page.locator("#trial-start").click()
    expect(page.get_by_role("heading", name="Trial")).to_be_visible()
    expect(page.locator("#trial-grid tbody tr")).to_have_count(2)
    tour.check("trial")

    # --- a user in no tenant ------------------------------------------------------------------
    page.context.clear_cookies()
    tour.browser.sign_in("nobody@atelier.test", PASSWORD)
    expect(page.get_by_role("heading", name="No tenant yet")).to_be_visible()
    tour.goto("/", status=403)
    tour.check("no-tenant", status=403)

    # --- the admin: a moderator's review queue, Finance's home and report -----------------------
    tour.sign_in_admin("mod@atelier.test")
    tour.check("admin-moderator-home")
    tour.goto("/admin/moderation/reviewitem/")
    expect(page.locator("img.atelier-thumb")).to_have_count(2)
    tour.check("admin-review-queue")
    page.locator("img.atelier-thumb").first.click()
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    tour.check("admin-review-item")

    tour.sign_in_admin("fin@atelier.test")
    expect(page.locator("#finance-module")).to_be_visible()
    tour.check("admin-finance-home")
    page.get_by_role("link", name="Finance report").click()
    expect(page.locator("#usage-table")).to_contain_text("Atelier local renderer")
    tour.check("admin-finance-report")

    assert len(tour.visited) == 37
    assert tour.problems == [], "\n".join(tour.problems)
