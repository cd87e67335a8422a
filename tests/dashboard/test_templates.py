"""Brand templates in the dashboard: created and edited with fields (slots as a list with
their defaults, aspect ratio, quality and style chosen from the catalog, the model's
parameters typed), tried, and deleted only after a confirmation; the service's rules."""

from typing import Any

import pytest
from django.urls import reverse

from generation.models import BrandTemplate

FORM: dict[str, Any] = {
    "name": "studio", "prompt": "a {subject} on {surface}", "model_key": "local",
    "operation": "text_to_image", "aspect_ratio": "4:5", "negative_prompt": "text, watermark",
    "slot_name": ["subject", "surface"], "slot_default": ["", "white marble"]}


def test_create_edit_try_delete(browser, acme):
    response = browser.post(reverse("dashboard-template-new", args=["acme"]), FORM)
    assert response["Location"] == reverse("dashboard-templates", args=["acme"])
    template = BrandTemplate.objects.for_tenant(acme.tenant).get()
    assert template.slot_defaults == {"surface": "white marble"}  # a blank default: none
    assert template.negative_prompt == "text, watermark"
    listing = browser.get(reverse("dashboard-templates", args=["acme"])).content.decode()
    assert "<code>subject</code>, <code>surface</code>" in listing
    assert "white marble" in listing and "leaving out: text, watermark" in listing
    assert "Atelier local renderer" in listing  # the model's name, not its key
    browser.post(reverse("dashboard-template-edit", args=["acme", template.pk]),
                 {**FORM, "prompt": "a {subject} in {room}", "slot_name": ["subject", "room"],
                  "slot_default": ["", ""]})
    template.refresh_from_db()
    assert template.prompt == "a {subject} in {room}"
    assert template.slot_defaults == {}
    tried = browser.get(reverse("dashboard-template-try", args=["acme", template.pk]))
    assert tried["Location"].endswith(f"?template={template.pk}")
    page = browser.get(tried["Location"])
    assert b'name="slot_room"' in page.content
    delete = reverse("dashboard-template-delete", args=["acme", template.pk])
    asked = browser.get(delete)  # the list's Delete link asks first
    assert asked.status_code == 200
    assert b"Delete the template" in asked.content and b'name="confirm"' in asked.content
    assert BrandTemplate.objects.for_tenant(acme.tenant).exists()
    browser.post(delete, {"confirm": "yes"})
    assert not BrandTemplate.objects.for_tenant(acme.tenant).exists()


def test_the_form_offers_the_models_choices_and_the_prompts_slots(browser, acme):
    template = BrandTemplate.objects.for_tenant(acme.tenant).create(
        name="ultra", prompt="a {product} by the sea", model_key="stable-image-core",
        style="photographic", slot_defaults={"product": "a vase"})
    html = browser.get(reverse("dashboard-template-edit", args=["acme", template.pk])
                       ).content.decode()
    assert 'name="slot_name" value="product"' in html and 'value="a vase"' in html
    assert '<option value="photographic" selected>Photographic</option>' in html
    assert '<option value="21:9"' in html  # Stable Image Core's ratios, as choices
    assert 'name="param_output_format"' not in html or "Output format" in html
    assert "json" not in html.lower().replace("application/json", "")
    fields = browser.get(reverse("dashboard-template-fields", args=["acme"]),
                         {"prompt": "a {hat} and a {scarf}", "model_key": "local",
                          "slot_name": ["hat"], "slot_default": ["a beret"]}).content.decode()
    assert 'value="hat"' in fields and 'value="a beret"' in fields and 'value="scarf"' in fields
    assert '<option value="standard"' in fields  # the local model's qualities
    assert '<option value="photographic"' not in fields  # not a style the local model has
    broken = browser.get(reverse("dashboard-template-fields", args=["acme"]),
                         {"prompt": "a {hat", "model_key": ""}).content.decode()
    assert 'id="slot-problem"' in broken


def test_typed_model_parameters_are_saved(browser, acme):
    response = browser.post(reverse("dashboard-template-new", args=["acme"]), {
        **FORM, "model_key": "stability-upscale-creative", "operation": "upscale",
        "aspect_ratio": "", "param_creativity": "0.4", "param_output_format": "webp"})
    assert response.status_code == 302, response.content[:500]
    template = BrandTemplate.objects.for_tenant(acme.tenant).get()
    assert template.params == {"creativity": 0.4, "output_format": "webp"}
    refused = browser.post(reverse("dashboard-template-new", args=["acme"]), {
        **FORM, "name": "other", "model_key": "stability-upscale-creative",
        "operation": "upscale", "aspect_ratio": "", "param_creativity": "lots"})
    assert b"params.creativity: expected a number" in refused.content


@pytest.mark.parametrize("change, words", [
    ({"prompt": "a {subject"}, b"prompt:"),
    ({"model_key": "nova-canvas", "operation": "upscale"}, b"operation:"),
    ({"name": ""}, b"name: required"),
])
def test_bad_templates_are_explained_and_not_saved(browser, acme, change, words):
    response = browser.post(reverse("dashboard-template-new", args=["acme"]), {**FORM, **change})
    assert response.status_code == 200
    assert words in response.content
    assert not BrandTemplate.objects.for_tenant(acme.tenant).exists()
    assert FORM["prompt"].encode() in response.content or b"a {subject" in response.content


def test_another_tenants_template_is_404(acme, globex, browser, other):
    theirs = BrandTemplate.objects.for_tenant(globex.tenant).create(name="g", prompt="x {y}")
    for name in ("dashboard-template-edit", "dashboard-template-try",
                 "dashboard-template-delete"):
        assert browser.get(reverse(name, args=["acme", theirs.pk])).status_code == 404
    assert browser.post(reverse("dashboard-template-delete", args=["acme", theirs.pk]),
                        {"confirm": "yes"}).status_code == 404
    assert BrandTemplate.objects.for_tenant(globex.tenant).exists()
    mine = BrandTemplate.objects.for_tenant(acme.tenant).create(name="a", prompt="x {y}")
    assert other.get(reverse("dashboard-template-delete", args=["acme", mine.pk])
                     ).status_code == 404
    assert other.get(reverse("dashboard-template-fields", args=["acme"])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, acme):
    mine = BrandTemplate.objects.for_tenant(acme.tenant).create(name="a", prompt="x {y}")
    for url in (reverse("dashboard-template-delete", args=["acme", mine.pk]),
                reverse("dashboard-template-fields", args=["acme"])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(reverse("dashboard-template-delete", args=["acme", mine.pk])
                       ).status_code == 302
    assert BrandTemplate.objects.for_tenant(acme.tenant).exists()
