"""Generate in the dashboard: the live estimate, template slots, and submission through the
same service as the API (refusals shown, nothing created)."""

import pytest
from django.urls import reverse

from billing.services import set_monthly_limits
from generation.models import BrandTemplate, Job

FORM = {"model": "stable-image-core", "prompt": "a linen shirt", "n": "3",
        "aspect_ratio": "1:1"}


def test_the_estimate_prices_the_form_and_shows_the_quota(browser, acme):
    set_monthly_limits(acme.tenant, images=50, budget_usd=None)
    response = browser.post(reverse("dashboard-estimate", args=["acme"]), FORM)
    assert response.status_code == 200
    assert str(response.context["estimate"].estimated_cost_usd) == "0.1200"
    assert b"$0.12" in response.content
    assert b'id="quota-left">50<' in response.content
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_the_estimate_explains_a_refusal(browser, acme):
    response = browser.post(reverse("dashboard-estimate", args=["acme"]), {**FORM, "n": "99"})
    assert b"n: " in response.content and b'id="estimate-error"' in response.content


def test_generating_submits_a_job_and_opens_its_page(browser, acme, empty_queue):
    response = browser.post(reverse("dashboard-generate", args=["acme"]), FORM)
    job = Job.objects.for_tenant(acme.tenant).get()
    assert response["Location"] == reverse("dashboard-job", args=["acme", job.pk])
    assert (job.model_key, job.n, job.prompt) == ("stable-image-core", 3, "a linen shirt")


@pytest.mark.parametrize("change, words", [
    ({"prompt": ""}, b"prompt"), ({"n": "x"}, b"n: expected a whole number"),
    ({"model": "nope"}, b"unknown model"), ({"size": "7x7"}, b"size"),
])
def test_bad_input_is_shown_and_nothing_is_made(browser, acme, empty_queue, change, words):
    response = browser.post(reverse("dashboard-generate", args=["acme"]), {**FORM, **change})
    assert response.status_code == 200
    assert words in response.content
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_a_template_shows_its_slots_and_fills_the_prompt(browser, acme, empty_queue):
    template = BrandTemplate.objects.for_tenant(acme.tenant).create(
        name="studio", prompt="a {subject} on {surface}", model_key="local",
        slot_defaults={"surface": "oak"})
    fields = browser.get(reverse("dashboard-generate-fields", args=["acme"]),
                         {"template": str(template.pk)})
    assert b'name="slot_subject"' in fields.content and b'name="slot_surface"' in fields.content
    assert b'name="prompt"' not in fields.content
    browser.post(reverse("dashboard-generate", args=["acme"]),
                 {"template": str(template.pk), "slot_subject": "teapot", "model": "local",
                  "size": "256x256"})
    assert Job.objects.for_tenant(acme.tenant).get().prompt == "a teapot on oak"


def test_retired_models_are_not_offered_and_legacy_ones_warn(browser):
    page = browser.get(reverse("dashboard-generate", args=["acme"]))
    assert b'value="nova-canvas"' not in page.content
    assert b'value="nova-2-omni"' in page.content
