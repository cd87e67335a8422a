"""Compositions in the editor (dashboard/editor.py, dashboard/compliance.py): a packshot's
preset picker and a shadow's light as panel fields, priced as the API prices them and submitted
as the API's jobs; and the compliance panel, which measures the picked image against a preset
without changing it. Three personas on the new page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assets.models import Asset
from assets.uploads import create_upload
from catalog.requests import JobRequest
from generation import services
from generation.models import Job
from generation.runner import run_job
from tests.jobs.test_batch_packshots import catalog_photo
from tests.jobs.test_packshot_jobs import cutout_photo


@pytest.fixture
def photo(acme):
    """A product photo on an off-white background, uploaded by Acme."""
    return create_upload(acme.tenant, catalog_photo(3, side=512), filename="lamp.png")


def url(name, asset, slug="acme"):
    return reverse(name, args=[slug, asset.pk])


def shown_price(html, key):
    return re.search(rf'id="price-{key}"[^>]*>([^<]+)<', html)[1]


def test_the_packshot_panel_offers_every_preset_and_prices_as_the_api(browser, acme, photo):
    html = browser.get(url("dashboard-asset", photo) + "?tool=packshot").content.decode()
    panel = re.search(r'<section class="panel card" id="action-packshot".*?</section>', html,
                      re.DOTALL).group(0)
    presets = re.findall(r'<option value="([a-z0-9-]+)"', re.search(
        r'<select id="packshot-preset".*?</select>', panel, re.DOTALL).group(0))
    assert presets[:2] == ["amazon-main", "amazon-secondary"] and "shopify" in presets
    assert "<code>params.shadow</code>" in panel
    expected = services.estimate_job(acme.tenant, JobRequest(
        model="stability-remove-background", operation="packshot", images=[str(photo.pk)],
        params={"preset": "shopify"})).estimated_cost_usd
    answer = browser.post(url("dashboard-editor-estimate", photo), {
        "action": "packshot", "model": "stability-remove-background", "preset": "shopify"})
    assert answer.status_code == 200
    assert shown_price(answer.content.decode(), "packshot") == f"${expected:.2f}"
    assert expected > 0


def test_submitting_a_packshot_queues_the_apis_job_with_its_preset_and_shadow(
        browser, acme, photo, empty_queue):
    response = browser.post(url("dashboard-refine", photo), {
        "action": "packshot", "model": "stability-remove-background", "preset": "etsy",
        "shadow": "drop"})
    assert response.status_code == 302
    job = Job.objects.for_tenant(acme.tenant).get(source_asset=photo)
    assert (job.operation, job.model_key) == ("packshot", "stability-remove-background")
    assert job.params["preset"] == "etsy" and job.params["shadow"] == "drop"
    assert job.params["preset_rules"]["key"] == "etsy"


def test_a_shadow_takes_its_light_from_the_panel_and_is_free(browser, acme, photo,
                                                           empty_queue):
    answer = browser.post(url("dashboard-editor-estimate", photo),
                          {"action": "shadow", "light_angle": "90", "opacity": "0.7"})
    assert shown_price(answer.content.decode(), "shadow") == "$0.00"
    browser.post(url("dashboard-refine", photo),
                 {"action": "shadow", "light_angle": "90", "opacity": "0.7"})
    job = Job.objects.for_tenant(acme.tenant).get(source_asset=photo)
    assert (job.operation, job.model_key) == ("shadow", "local")
    assert job.params["light_angle"] == 90.0 and job.params["opacity"] == 0.7
    assert job.estimated_cost_usd == Decimal("0")


def test_a_value_out_of_range_is_refused_naming_its_parameter_and_nothing_runs(
        browser, acme, photo, empty_queue):
    answer = browser.post(url("dashboard-editor-estimate", photo),
                          {"action": "shadow", "opacity": "2"})
    html = answer.content.decode()
    assert "params.opacity" in html and 'id="submit-shadow" disabled' in html
    refused = browser.post(url("dashboard-refine", photo), {"action": "shadow", "opacity": "2"})
    assert refused.status_code == 400
    assert not Job.objects.for_tenant(acme.tenant).filter(source_asset=photo).exists()


def test_a_scene_on_a_cut_out_starts_from_the_first_preset_scene_and_is_priced_as_its_call(
        browser, acme, empty_queue):
    cutout = create_upload(acme.tenant, cutout_photo(), filename="cut.png")
    html = browser.get(url("dashboard-asset", cutout) + "?tool=scene").content.decode()
    assert re.search(r'<option value="marble_counter" selected>', html)
    expected = services.estimate_job(acme.tenant, JobRequest(
        model="stable-image-core", operation="scene", images=[str(cutout.pk)],
        params={"scene": "marble_counter"})).estimated_cost_usd
    assert shown_price(html, "scene") == f"${expected:.2f}" and expected > 0
    browser.post(url("dashboard-refine", cutout), {
        "action": "scene", "model": "stable-image-core", "scene": "wooden_table",
        "placement": "thirds_left", "scale": "0.5", "prompt": ""})
    job = Job.objects.for_tenant(acme.tenant).get(source_asset=cutout)
    assert (job.operation, job.params["scene"], job.params["placement"]) == (
        "scene", "wooden_table", "thirds_left")
    assert job.params["scale"] == 0.5 and job.prompt == ""  # nothing inherited


def test_a_scene_with_no_preset_scene_needs_a_prompt(browser, acme):
    cutout = create_upload(acme.tenant, cutout_photo(), filename="cut.png")
    html = browser.post(url("dashboard-editor-estimate", cutout),
                        {"action": "scene", "scene": ""}).content.decode()
    assert "needs a prompt" in html and 'id="submit-scene" disabled' in html


# --- the compliance panel ----------------------------------------------------------------------

def test_the_panel_fails_an_off_white_photo_on_the_rules_it_breaks_and_names_the_fixes(
        browser, photo):
    before = photo.storage_key, photo.sha256
    response = browser.post(url("dashboard-asset-check", photo), {"preset": "amazon-main"},
                            HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="compliance-result"')  # the panel alone
    failed = dict(re.findall(r'<tr class="failed" data-rule="([a-z_]+)">.*?fix: ([a-z-]+)',
                             html, re.DOTALL))
    assert failed["background"] == "re-pad" and failed["longest_side"] == "resize"
    assert re.search(r'<tr class="passed" data-rule="color_space">', html)
    assert 'id="fix-re-pad"' in html and 'value="conform"' in html
    photo.refresh_from_db()
    assert (photo.storage_key, photo.sha256) == before  # a check changes nothing


def test_a_fix_button_makes_a_free_conform_job_whose_image_passes(browser, acme, photo,
                                                                 empty_queue):
    response = browser.post(url("dashboard-refine", photo),
                            {"action": "conform", "preset": "amazon-main", "fix": "all"})
    assert response.status_code == 302
    job = Job.objects.for_tenant(acme.tenant).get(source_asset=photo)
    assert (job.operation, job.model_key, job.params["fix"]) == ("conform", "local", "all")
    assert job.estimated_cost_usd == Decimal("0")
    run_job(job.pk)
    fixed = job.assets.get()
    html = browser.post(url("dashboard-asset-check", fixed), {"preset": "amazon-main"},
                        HTTP_HX_REQUEST="true").content.decode()
    assert "Passes every rule of" in html and 'class="failed"' not in html


def test_without_htmx_the_editor_comes_back_with_the_result_and_the_preset_chosen(browser,
                                                                                  photo):
    response = browser.post(url("dashboard-asset-check", photo), {"preset": "shopify"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="tools-heading"' in html
    assert re.search(r'<option value="shopify" selected>', html)
    assert 'id="compliance-verdict"' in html


def test_an_unknown_preset_is_answered_with_the_checks_own_error(browser, photo):
    html = browser.post(url("dashboard-asset-check", photo), {"preset": "nope"},
                        HTTP_HX_REQUEST="true").content.decode()
    assert "unknown preset" in html and "amazon-main" in html


def test_other_tenants_and_anonymous_visitors_get_nothing(other, client, photo):
    assert other.post(url("dashboard-asset-check", photo), {"preset": "amazon-main"}
                      ).status_code == 404
    assert other.post(url("dashboard-asset-check", photo, slug="globex"),
                      {"preset": "amazon-main"}).status_code == 404
    response = client.post(url("dashboard-asset-check", photo), {"preset": "amazon-main"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Asset.unscoped.count() == 1
