"""Brand templates in the dashboard: create, edit, delete and try, with the service's rules."""

import pytest
from django.urls import reverse

from generation.models import BrandTemplate

FORM = {"name": "studio", "prompt": "a {subject} on {surface}", "model_key": "local",
        "operation": "text_to_image", "aspect_ratio": "4:5",
        "slot_defaults": '{"surface": "white marble"}', "params": "{}"}


def test_create_edit_try_delete(browser, acme):
    response = browser.post(reverse("dashboard-template-new", args=["acme"]), FORM)
    assert response["Location"] == reverse("dashboard-templates", args=["acme"])
    template = BrandTemplate.objects.for_tenant(acme.tenant).get()
    assert template.slot_defaults == {"surface": "white marble"}
    listing = browser.get(reverse("dashboard-templates", args=["acme"]))
    assert b"subject, surface" in listing.content
    browser.post(reverse("dashboard-template-edit", args=["acme", template.pk]),
                 {**FORM, "prompt": "a {subject} in {room}", "slot_defaults": "{}"})
    template.refresh_from_db()
    assert template.prompt == "a {subject} in {room}"
    tried = browser.get(reverse("dashboard-template-try", args=["acme", template.pk]))
    assert tried["Location"].endswith(f"?template={template.pk}")
    page = browser.get(tried["Location"])
    assert b'name="slot_room"' in page.content
    browser.post(reverse("dashboard-template-delete", args=["acme", template.pk]))
    assert not BrandTemplate.objects.for_tenant(acme.tenant).exists()


@pytest.mark.parametrize("change, words", [
    ({"slot_defaults": "{not json"}, b"slot_defaults: expected a JSON object"),
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


def test_another_tenants_template_is_404(acme, globex, browser):
    theirs = BrandTemplate.objects.for_tenant(globex.tenant).create(name="g", prompt="x {y}")
    for name in ("dashboard-template-edit", "dashboard-template-try"):
        assert browser.get(reverse(name, args=["acme", theirs.pk])).status_code == 404
    assert browser.post(reverse("dashboard-template-delete",
                                args=["acme", theirs.pk])).status_code == 404
    assert BrandTemplate.objects.for_tenant(globex.tenant).exists()
