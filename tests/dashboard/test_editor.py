"""The editor around a picked image (dashboard/editor.py, the asset page and its actions): who
may open it, the price of every edit before it runs (the API's own estimate), a parameter the
chosen model does not take left out with a note, no inpaint without a painted mask, and a
confirmation above the tenant's threshold before anything is submitted."""

from __future__ import annotations

import base64
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assets.models import Asset
from billing.services import usage
from catalog.requests import JobRequest
from generation import services
from generation.models import Job
from generation.runner import run_job
from tenants.models import Tenant
from tests.dashboard.helpers import deliver
from tests.helpers import png_bytes

NEGATIVE = "text, watermark, blurry"


@pytest.fixture
def picked(acme, submit):
    """An approved 512x512 image made on the local model, as if from a template with a
    negative prompt (the demo's own)."""
    job = submit(n=1, size="512x512", seed=7, prompt="a leather tote bag on white marble")
    run_job(job.pk)
    asset = job.assets.get()
    Asset.objects.for_tenant(acme.tenant).filter(pk=asset.pk).update(
        parameters={**asset.parameters, "negative_prompt": NEGATIVE})
    asset.refresh_from_db()
    return asset


def editor_url(asset, slug="acme", **query):
    url = reverse("dashboard-asset", args=[slug, asset.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def refine_url(asset):
    return reverse("dashboard-refine", args=["acme", asset.pk])


def estimate_url(asset):
    return reverse("dashboard-editor-estimate", args=["acme", asset.pk])


def mask_data_url(size=(512, 512)):
    mask = png_bytes(size, 0, mode="L", box=(100, 100, 300, 300), box_color=255)
    return "data:image/png;base64," + base64.b64encode(mask).decode()


def api_estimate(tenant, **fields):
    return services.estimate_job(tenant, JobRequest(**fields)).estimated_cost_usd


def jobs_from(tenant, asset):
    return Job.objects.for_tenant(tenant).filter(source_asset=asset)


# --- who may open it ---------------------------------------------------------------------------

def test_the_owner_sees_the_editor_with_a_price_on_every_tool(browser, acme, picked):
    response = browser.get(editor_url(picked))
    assert response.status_code == 200
    html = response.content.decode()
    tools = re.findall(r'<a class="tool[^"]*" href="\?tool=([a-z_]+)#editor"', html)
    assert tools == ["variations", "finish", "upscale", "inpaint", "search_replace",
                     "outpaint", "remove_background", "replace_background", "packshot",
                     "shadow", "scene", "conform"]
    prices = re.findall(r'<span class="tool-price" data-price-of="([a-z_]+)">([^<]+)</span>',
                        html)
    assert [key for key, _ in prices] == tools
    for key, price in prices:
        if key == "scene":  # a scene places a cut-out: this image has no transparency
            assert price == "can't run"
            continue
        assert re.fullmatch(r"\$\d+\.\d{2,4}( a format)?", price), (key, price)
    # Friendly names, not catalog keys, in every model list.
    assert "Stable Image Ultra" in html
    assert ">stability-upscale-fast<" not in html and "stability-upscale-fast</" not in html
    # One panel open at a time: none until a tool is chosen, then only that one.
    assert html.count('data-panel="') == len(tools)
    assert html.count(' hidden>') >= len(tools)
    opened = browser.get(editor_url(picked, tool="upscale")).content.decode()
    panels = re.findall(r'<section class="panel card" id="action-([a-z_]+)"[^>]*?( hidden)?>',
                        opened)
    assert [key for key, hidden in panels if not hidden] == ["upscale"]


def test_the_upscale_prices_are_the_apis_estimates(browser, acme, picked):
    for model in ("stability-upscale-fast", "stability-upscale-creative"):
        expected = api_estimate(acme.tenant, model=model, operation="upscale",
                                images=[str(picked.pk)],
                                prompt=picked.parameters["prompt"] if model.endswith(
                                    "creative") else "",
                                negative_prompt=NEGATIVE if model.endswith("creative") else "")
        response = browser.post(estimate_url(picked), {"action": "upscale", "model": model})
        assert response.status_code == 200
        shown = re.search(r'id="price-upscale"[^>]*>([^<]+)<', response.content.decode())[1]
        assert shown == f"${expected:.2f}"
    assert expected == Decimal("0.60")  # a creative upscale: what the finding said was hidden


def test_another_tenants_member_gets_404_everywhere(other, picked, empty_queue):
    assert other.get(editor_url(picked)).status_code == 404
    assert other.get(editor_url(picked, slug="globex")).status_code == 404
    assert other.post(estimate_url(picked), {"action": "upscale"}).status_code == 404
    response = other.post(refine_url(picked), {"action": "upscale"})
    assert response.status_code == 404
    assert Job.unscoped.filter(source_asset=picked).count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, picked, empty_queue):
    for response in (client.get(editor_url(picked)),
                     client.post(estimate_url(picked), {"action": "upscale"}),
                     client.post(refine_url(picked), {"action": "upscale"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Job.unscoped.filter(source_asset=picked).count() == 0


# --- a parameter the model does not take -------------------------------------------------------

def test_an_inherited_negative_prompt_is_left_out_with_a_note(browser, acme, picked,
                                                                empty_queue):
    form = {"action": "replace_background", "model": "nova-2-omni", "prompt": "on a beach"}
    before = browser.post(estimate_url(picked), form).content.decode()
    assert "Leaving out the inherited negative prompt" in before
    assert "Nova 2 Omni takes no negative prompt" in before or "takes no negative prompt" in before
    assert 'id="submit-replace_background" disabled' not in before
    response = browser.post(refine_url(picked), form, follow=True)
    job = jobs_from(acme.tenant, picked).get()
    assert (job.operation, job.model_key) == ("replace_background", "nova-2-omni")
    assert job.negative_prompt == "" and "negative_prompt" not in job.request
    assert "Leaving out the inherited negative prompt" in response.content.decode()


def test_a_model_without_seeds_finishes_without_the_seed_and_says_so(browser, acme, picked,
                                                                      empty_queue):
    response = browser.post(refine_url(picked), {"action": "finish", "model": "nova-2-omni"},
                            follow=True)
    job = jobs_from(acme.tenant, picked).get()
    assert job.seed is None and job.stage == "final"
    assert "Leaving out the seed 7" in response.content.decode()
    kept = browser.post(refine_url(picked), {"action": "finish", "model": "sd3.5-large"})
    assert kept.status_code == 302
    assert jobs_from(acme.tenant, picked).get(model_key="sd3.5-large").seed == 7


# --- no mask, no job ---------------------------------------------------------------------------

def test_inpaint_without_a_painted_mask_is_refused_and_nothing_is_charged(browser, acme, picked,
                                                                           empty_queue):
    shown = browser.get(editor_url(picked, tool="inpaint")).content.decode()
    assert re.search(r'id="submit-inpaint" disabled', shown)
    assert "Paint over the area to change first" in shown
    reserved = usage(acme.tenant)["images"]
    response = browser.post(refine_url(picked), {"action": "inpaint", "prompt": "a red vase"})
    assert response.status_code == 400
    assert "Paint over the area to change first" in response.content.decode()
    assert "Nothing was started or charged" in response.content.decode()
    assert jobs_from(acme.tenant, picked).count() == 0
    assert usage(acme.tenant)["images"] == reserved
    painted = browser.post(estimate_url(picked), {"action": "inpaint", "painted": "1"})
    assert 'id="submit-inpaint" disabled' not in painted.content.decode()
    started = browser.post(refine_url(picked), {"action": "inpaint", "prompt": "a red vase",
                                                "mask_data": mask_data_url()})
    job = jobs_from(acme.tenant, picked).get()
    assert started["Location"] == reverse("dashboard-job", args=["acme", job.pk])
    assert Asset.objects.for_tenant(acme.tenant).get(pk=job.request["mask"]).kind == "upload"


def test_outpaint_shows_a_frame_per_format_and_needs_one(browser, acme, picked, empty_queue):
    html = browser.get(editor_url(picked, tool="outpaint")).content.decode()
    for shape in ("ratio-1-1", "ratio-4-5", "ratio-16-9", "ratio-9-16"):
        assert f'class="frame-box {shape}"' in html
    assert 'id="submit-outpaint" disabled' in html
    two = browser.post(estimate_url(picked), {"action": "outpaint", "formats": ["4:5", "16:9"]})
    one = api_estimate(acme.tenant, model="stability-outpaint", operation="outpaint",
                       images=[str(picked.pk)], aspect_ratio="4:5",
                       prompt=picked.parameters["prompt"], negative_prompt=NEGATIVE)
    other = api_estimate(acme.tenant, model="stability-outpaint", operation="outpaint",
                         images=[str(picked.pk)], aspect_ratio="16:9",
                         prompt=picked.parameters["prompt"], negative_prompt=NEGATIVE)
    assert f"${one + other:.2f}" in two.content.decode()
    assert "in 2 jobs" in two.content.decode()


# --- confirmation above the tenant's threshold -------------------------------------------------

def test_an_edit_above_the_threshold_waits_for_its_confirmation(browser, acme, picked,
                                                                 empty_queue):
    Tenant.objects.filter(pk=acme.tenant.pk).update(confirm_edits_above_usd=Decimal("0.50"))
    form = {"action": "upscale", "model": "stability-upscale-creative"}
    estimate = browser.post(estimate_url(picked), form).content.decode()
    assert 'name="confirm_total" value="0.60"' in estimate and "Yes, spend $0.60" in estimate
    refused = browser.post(refine_url(picked), form)
    assert refused.status_code == 409
    assert jobs_from(acme.tenant, picked).count() == 0
    page = refused.content.decode()
    assert "more than the $0.50 you asked to confirm" in page
    assert re.search(r'<section class="panel card" id="action-upscale"[^>]*>', page)[0].count(
        "hidden") == 0
    stale = browser.post(refine_url(picked), {**form, "confirm_total": "0.40"})
    assert stale.status_code == 409 and jobs_from(acme.tenant, picked).count() == 0
    confirmed = browser.post(refine_url(picked), {**form, "confirm_total": "0.60"})
    assert confirmed.status_code == 302
    job = jobs_from(acme.tenant, picked).get()
    assert job.estimated_cost_usd == Decimal("0.60")
    cheap = browser.post(refine_url(picked), {"action": "upscale",
                                              "model": "stability-upscale-fast"})
    assert cheap.status_code == 302  # under the threshold: no confirmation asked
    assert jobs_from(acme.tenant, picked).count() == 2


def test_the_owner_sets_the_threshold_in_settings(browser, acme):
    url = reverse("dashboard-update-editor-settings", args=["acme"])
    settings_page = browser.get(reverse("dashboard-settings", args=["acme"])).content.decode()
    assert 'name="confirm_edits_above_usd"' in settings_page and 'value="1.00"' in settings_page
    response = browser.post(url, {"confirm_edits_above_usd": "2.5"}, follow=True)
    assert "more than $2.50 now ask you" in response.content.decode()
    assert Tenant.objects.get(pk=acme.tenant.pk).confirm_edits_above_usd == Decimal("2.50")
    for bad in ("-1", "lots", "NaN", ""):
        browser.post(url, {"confirm_edits_above_usd": bad})
        assert Tenant.objects.get(pk=acme.tenant.pk).confirm_edits_above_usd == Decimal("2.50")


def test_a_member_may_not_change_the_threshold(acme, other):
    response = other.post(reverse("dashboard-update-editor-settings", args=["acme"]),
                          {"confirm_edits_above_usd": "0"})
    assert response.status_code == 404
    assert Tenant.objects.get(pk=acme.tenant.pk).confirm_edits_above_usd == Decimal("1.00")


# --- before/after and history ------------------------------------------------------------------

def test_an_image_made_from_another_shows_before_and_after_and_the_history_has_thumbnails(
        browser, acme, picked, empty_queue):
    browser.post(refine_url(picked), {"action": "upscale", "model": "stability-upscale-fast"})
    job = jobs_from(acme.tenant, picked).get()
    [made] = deliver(job)
    history = browser.get(editor_url(picked)).content.decode()
    assert "Made from this image" in history
    assert re.search(r'<a class="history-thumb" href="[^"]*' + str(made.pk) + r'/"><img src=',
                     history)
    after = browser.get(editor_url(made)).content.decode()
    assert 'data-before-after' in after and 'class="before"' in after
    assert reverse("dashboard-asset", args=["acme", picked.pk]) in after
