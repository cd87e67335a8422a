"""The public page /verify (issue 10): no sign-in, a plain CSRF-protected form (no JavaScript
needed), the verification in words; the same answer for everyone, whoever is signed in."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from tenants.services import set_credentials_preferences
from tests.helpers import encoded, png_bytes

URL = "/verify"


pytestmark = pytest.mark.usefixtures("fresh_verification_counts")


@pytest.fixture
def image(verifiable_image):
    return verifiable_image


def _post(client: Client, data: bytes, name: str = "image.png"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(URL, {"file": upload})


def _section(response) -> str:
    """The verification itself (the header around it shows who is signed in)."""
    found = re.search(r'<section class="card" id="verification".*?</section>',
                      response.content.decode(), re.S)
    assert found, response.content.decode()[:2000]
    return found.group(0)


def test_the_page_is_public_and_a_plain_form(client, db):
    assert reverse("verify") == URL

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page and 'method="post"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'type="file"' in page and 'name="file"' in page
    assert 'id="verification"' not in page


def test_an_atelier_image_is_explained_in_words(client, image):
    _, data = image

    response = _post(client, data)

    assert response.status_code == 200
    section = _section(response)
    assert "Made by Atelier, unchanged" in section
    assert "Atelier local renderer (offline, free)" in section
    assert "Atelier made this image on " in section
    assert "The publisher has chosen not to be named." in section
    assert "c2pa.created" in section


def test_a_reencoded_copy_is_changed_since(client, image):
    _, data = image
    copy = encoded(Image.open(io.BytesIO(data)).convert("RGB"), "JPEG", quality=90)

    section = _section(_post(client, copy, "copy.jpg"))

    assert "Made by Atelier, changed since" in section
    assert "re-encoded" in section


def test_a_foreign_image_is_not_recognised(client, db):
    section = _section(_post(client, png_bytes((300, 300), (9, 99, 199))))

    assert "Not recognised as made by Atelier" in section


def test_owner_stranger_and_anonymous_read_the_same_answer(client, browser, other, image):
    _, data = image

    sections = [_section(_post(c, data)) for c in (client, browser, other)]

    assert sections[0] == sections[1] == sections[2]
    assert "Acme" not in sections[0] and "acme" not in sections[0].lower()


def test_the_publisher_is_named_when_the_tenant_allows_it(client, other, acme, image):
    _, data = image
    set_credentials_preferences(acme.tenant, embed_prompt=False, reveal_tenant=True)

    for visitor in (client, other):
        assert "Published by Acme Goods." in _section(_post(visitor, data))


def test_posting_without_the_csrf_token_is_refused(image):
    _, data = image
    strict = Client(enforce_csrf_checks=True)

    response = _post(strict, data)

    assert response.status_code == 403


def test_no_file_or_not_an_image_says_so(client, db):
    missing = client.post(URL, {})
    assert missing.status_code == 400 and b"choose one image" in missing.content

    garbage = _post(client, b"certainly not an image")
    assert garbage.status_code == 400 and b"not an image Atelier can read" in garbage.content


def test_the_page_shares_the_per_address_limit_with_the_api(client, db, settings):
    settings.ATELIER_VERIFY_RATE_LIMIT = "2/min"
    data = png_bytes((100, 100), (7, 7, 7))

    assert _post(client, data).status_code == 200
    api = client.post("/api/v1/verify", data, content_type="image/png")
    assert api.status_code == 200

    refused = _post(client, data)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert b"Too many verifications" in refused.content


def test_a_body_over_the_cap_is_refused_unread(client, db, settings):
    settings.ATELIER_UPLOAD_MAX_BYTES = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000

    response = _post(client, b"\x89PNG" + b"\x00" * 100_000)

    assert response.status_code == 413
