"""A model billed per token has an estimated price per image: the dashboard says so wherever
it shows that price (the model's line on Generate, the live estimate), and not for a model
AWS prices per image."""

from django.urls import reverse

MARK = b"an estimate: the model is billed per token"


def test_the_generate_page_says_a_token_billed_price_is_an_estimate(browser, acme, settings):
    settings.ATELIER_PREVIEW_MODELS = True
    fields = reverse("dashboard-generate-fields", args=["acme"])
    assert MARK in browser.get(fields, {"model": "nova-2-omni"}).content
    assert MARK not in browser.get(fields, {"model": "stable-image-core"}).content
    estimate = reverse("dashboard-estimate", args=["acme"])
    omni = browser.post(estimate, {"model": "nova-2-omni", "prompt": "a bag", "n": "1"})
    assert omni.status_code == 200 and b'id="estimate-cost"' in omni.content
    assert MARK in omni.content
    core = browser.post(estimate, {"model": "stable-image-core", "prompt": "a bag", "n": "1",
                                   "aspect_ratio": "1:1"})
    assert b'id="estimate-cost"' in core.content and MARK not in core.content


def test_a_preview_model_is_not_offered_unless_previews_are_on(browser, acme, settings):
    settings.ATELIER_PREVIEW_MODELS = False
    page = browser.get(reverse("dashboard-generate", args=["acme"])).content
    assert b'value="nova-2-omni"' not in page and b'value="stable-image-core"' in page
