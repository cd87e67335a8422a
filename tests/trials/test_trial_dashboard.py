"""The dashboard's Trials pages: the form (prompts one per line, the callable text-to-image
models, a seed) with its estimated total, and the grid (model columns, prompt rows; each cell
its image, latency, price and favourite toggle; each model its operations and total)."""

from __future__ import annotations

import re

from django.urls import reverse

from generation.models import BrandTemplate, Job, Trial
from generation.templates import create_template
from generation.trials import submit_trial
from tests.helpers import signed_in


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_nav_links_to_trials_and_the_form_offers_text_to_image_models(acme, priced):
    page = signed_in(acme.owner).get(reverse("dashboard-trials", args=["acme"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{reverse("dashboard-trials", args=["acme"])}" aria-current="page">Trials' in html
    offered = set(re.findall(r'name="models" value="([^"]+)"', html))
    assert {"local", "stable-image-core", "sd3.5-large", "stable-image-ultra"} <= offered
    assert "stability-erase" not in offered  # no text-to-image
    assert "nova-canvas" not in offered  # retired: not callable
    assert "<script>" not in html and "onclick" not in html  # CSP: no inline script


def test_the_estimate_shows_the_total_before_submitting(acme, priced):
    response = signed_in(acme.owner).post(
        reverse("dashboard-trial-estimate", args=["acme"]),
        {"prompts": "a vase\n\na lamp\n", "models": ["local", "stable-image-core"]})
    shown = text(response)
    assert 'id="trial-estimate-cost">$0.12<' in shown
    assert "4 images" in shown
    assert not Job.objects.for_tenant(acme.tenant).exists()
    refused = signed_in(acme.owner).post(
        reverse("dashboard-trial-estimate", args=["acme"]),
        {"prompts": "\n".join(f"p{i}" for i in range(11)), "models": ["local"]})
    assert "prompts: at most 10" in text(refused)


def test_starting_a_trial_from_the_form_shows_its_grid(acme, priced, run_jobs):
    browser = signed_in(acme.owner)
    response = browser.post(reverse("dashboard-trials", args=["acme"]), {
        "prompts": "a red handbag\na linen shirt", "models": ["local", "stable-image-core"],
        "seed": "77"})
    trial = Trial.objects.for_tenant(acme.tenant).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard-trial", args=["acme", trial.pk])
    assert (trial.prompts, trial.model_keys, trial.seed) == (
        ["a red handbag", "a linen shirt"], ["local", "stable-image-core"], 77)
    assert trial.created_by == acme.owner
    # Every cell runs on the in-process worker (Stable Image Core on the offline renderer).
    run_jobs(*Job.objects.for_tenant(acme.tenant).filter(trial=trial))
    page = text(browser.get(response["Location"]))
    assert page.count('class="trial-cell"') == 4
    assert page.count("<img ") == 4  # a card per cell, each with its image
    assert "Stable Image Core" in page and "Text to image" in page
    assert page.count("$0.02") >= 2 and page.count("$0.04") >= 2
    assert re.findall(r'class="trial-total">(\$[\d.]+)', page) == ["$0.04", "$0.08"]
    assert "total <strong id=\"trial-total\">$0.12</strong>" in page
    assert re.search(r"\d+\.\d s", page)  # a latency
    assert page.count("Mark as favourite") == 4
    assert "hx-trigger" not in page  # every cell finished: the grid stops polling


def test_a_grid_with_cells_still_queued_polls_for_them(acme, priced, empty_queue):
    trial = submit_trial(acme.tenant, ["a vase"], ["local"])  # no worker: it stays queued
    page = text(signed_in(acme.owner).get(reverse("dashboard-trial", args=["acme", trial.pk])))
    assert 'hx-trigger="every 2s"' in page and "Queued" in page


def test_a_refused_form_says_why_and_makes_nothing(acme, priced):
    response = signed_in(acme.owner).post(reverse("dashboard-trials", args=["acme"]), {
        "prompts": "a vase", "models": ["local", "local-typo"]})
    assert response.status_code == 200
    assert "models[1]: unknown model &#x27;local-typo&#x27;" in response.content.decode()
    assert not Trial.objects.for_tenant(acme.tenant).exists()


def test_favourites_and_adoption_from_the_grid(acme, priced, empty_queue):
    browser = signed_in(acme.owner)
    browser.post(reverse("dashboard-trials", args=["acme"]), {
        "prompts": "a vase", "models": ["local", "stable-image-core"]})
    trial = Trial.objects.for_tenant(acme.tenant).get()
    template = create_template(acme.tenant, name="studio", prompt="a {subject}",
                               model_key="local")
    page = reverse("dashboard-trial", args=["acme", trial.pk])
    assert browser.post(reverse("dashboard-trial-favourite", args=["acme", trial.pk]),
                        {"row": "0", "column": "1", "favourite": "1"})["Location"] == page
    trial.refresh_from_db()
    assert trial.favourites == [[0, 1]]
    assert "★ Favourite" in text(browser.get(page))
    browser.post(reverse("dashboard-trial-adopt", args=["acme", trial.pk]),
                 {"model": "stable-image-core", "template": str(template.pk)})
    assert BrandTemplate.objects.for_tenant(acme.tenant).get().model_key == "stable-image-core"
    shown = text(browser.get(page))
    assert "Stable Image Core is now the default model of the template “studio”" in shown
    browser.post(reverse("dashboard-trial-adopt", args=["acme", trial.pk]),
                 {"model": "sd3.5-large", "template": str(template.pk)})
    assert BrandTemplate.objects.for_tenant(acme.tenant).get().model_key == "stable-image-core"
    assert "model: one of the trial&#x27;s models" in browser.get(page).content.decode()
