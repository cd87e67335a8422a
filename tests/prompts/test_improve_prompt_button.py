"""The Generate page's "Improve prompt" button (htmx): the prompt box's words go to the prompt
assistant and the suggestion fills the prompt, negative prompt and aspect ratio fields."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from tests.dashboard.conftest import browser, other, owner_user  # noqa: F401  (fixtures)

FORM = {"model": "stable-image-core", "prompt": "red handbag, marble, for Instagram",
        "negative_prompt": "", "n": "2", "aspect_ratio": "", "size": "1024x1024"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def url() -> str:
    return reverse("dashboard-improve-prompt", args=["acme"])


def textarea(html: str) -> str:
    found = re.search(r'<textarea id="prompt"[^>]*>(.*?)</textarea>', html, re.DOTALL)
    assert found, html
    return found[1]


def test_the_generate_page_has_the_button_posting_to_the_assistant(browser):  # noqa: F811
    page = browser.get(reverse("dashboard-generate", args=["acme"])).content.decode()
    assert 'id="improve-prompt"' in page and f'hx-post="{url()}"' in page
    assert 'hx-target="#fields"' in page and "<script>" not in page.split("</head>")[1]


def test_the_button_fills_the_prompt_negative_prompt_and_aspect_ratio(browser):  # noqa: F811
    response = browser.post(url(), FORM, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the fields only, swapped into #fields
    assert textarea(html).startswith("red handbag, standing upright with its handle raised")
    assert re.search(r'id="negative_prompt" name="negative_prompt" value="blurry, [^"]*'
                     r'warped hardware', html)
    assert '<option value="4:5" selected>' in html
    assert 'id="size" name="size" value=""' in html  # the aspect ratio decides now
    assert 'hx-trigger="load"' in html and 'id="assistant-result"' in html


def test_the_chosen_use_and_model_shape_the_suggestion(browser):  # noqa: F811
    html = browser.post(url(), {**FORM, "model": "local", "use": "banner"},
                        **HTMX).content.decode()
    assert '<option value="16:9" selected>' in html
    assert '<option value="banner" selected>' in html


def test_an_empty_prompt_box_is_explained_and_nothing_changes(browser):  # noqa: F811
    html = browser.post(url(), {**FORM, "prompt": ""}, **HTMX).content.decode()
    assert 'id="assistant-error"' in html and "brief: required" in html
    assert 'hx-trigger="load"' not in html


def test_without_htmx_the_whole_page_comes_back_filled(browser):  # noqa: F811
    html = browser.post(url(), FORM).content.decode()
    assert "<html" in html and textarea(html).startswith("red handbag, standing upright")


def test_another_tenant_s_member_and_anonymous_get_nothing(other):  # noqa: F811
    assert other.post(url(), FORM, **HTMX).status_code in (403, 404)
    anonymous = Client().post(url(), FORM, **HTMX)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
