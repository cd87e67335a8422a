"""POST /api/v1/verify (issue 10): anyone, no key, rate-limited per address; the answer in
JSON as the schema documents it, the error envelope on bad input, and the same answer for
every persona (the owner's key, another tenant's, none): no tenant data leaks to a stranger."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from tenants.services import set_credentials_preferences
from tests.helpers import encoded, png_bytes

URL = "/api/v1/verify"


pytestmark = pytest.mark.usefixtures("fresh_verification_counts")


@pytest.fixture
def image(verifiable_image):
    return verifiable_image


def _post(client, data: bytes, **extra):
    return client.post(URL, {"file": io.BytesIO(data)}, format="multipart", **extra)


def test_anyone_learns_who_made_an_image_when_and_with_which_model(anonymous, image):
    asset, data = image

    response = _post(anonymous, data)

    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["made_by_atelier"] is True and answer["verdict"] == "unaltered"
    assert answer["asset_id"] == str(asset.pk)
    assert answer["created_at"] == asset.created_at.isoformat().replace("+00:00", "Z")
    assert answer["model"] == {"name": "Atelier local renderer (offline, free)",
                               "id": "atelier.local-v1"}
    assert answer["edited_since"] is False
    assert answer["content_credentials"]["state"] == "trusted"
    assert answer["content_credentials"]["signed_by_atelier"] is True
    assert answer["publisher"] is None


def test_a_raw_image_body_works_too(anonymous, image):
    _, data = image

    response = anonymous.post(URL, data, content_type="image/png")

    assert response.status_code == 200, response.content
    assert response.json()["verdict"] == "unaltered"


def test_a_reencoded_copy_is_edited_since(anonymous, image):
    asset, data = image
    copy = encoded(Image.open(io.BytesIO(data)).convert("RGB"), "JPEG", quality=90)

    answer = anonymous.post(URL, copy, content_type="image/jpeg").json()

    assert answer["made_by_atelier"] is True and answer["verdict"] == "edited_since"
    assert answer["watermark"]["found"] is True
    assert answer["content_credentials"]["state"] == "none"
    assert [c["code"] for c in answer["changes"]] == ["credentials_removed"]
    assert answer["asset_id"] == str(asset.pk)


def test_a_foreign_image_is_not_atelier_s(anonymous, db):
    answer = _post(anonymous, png_bytes((300, 300), (200, 10, 10))).json()

    assert answer["made_by_atelier"] is False and answer["verdict"] == "not_recognized"
    assert answer["edited_since"] is None and answer["model"] is None


def test_every_persona_gets_the_same_answer_and_no_tenant_data(anonymous, owner, stranger,
                                                               image):
    _, data = image

    answers = [_post(client, data) for client in (anonymous, owner, stranger)]

    assert [r.status_code for r in answers] == [200, 200, 200]
    bodies = [r.json() for r in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    text = json.dumps(bodies[0])
    assert "Acme" not in text and "acme" not in text.lower()


def test_a_wrong_key_changes_nothing_either(image):
    from tests.conftest import api_client

    _, data = image

    response = _post(api_client("atl_nothing_wrong"), data)

    assert response.status_code == 200 and response.json()["verdict"] == "unaltered"


def test_the_tenant_is_named_when_it_allows_it(anonymous, stranger, acme, image):
    _, data = image
    set_credentials_preferences(acme.tenant, embed_prompt=False, reveal_tenant=True)

    for client in (anonymous, stranger):
        assert _post(client, data).json()["publisher"] == {"name": "Acme Goods"}


@pytest.mark.parametrize("body, kwargs, field", [
    ({}, {"format": "multipart"}, "file"),
    ({"file": io.BytesIO(b"not an image at all")}, {"format": "multipart"}, "file"),
])
def test_bad_input_is_the_error_envelope(anonymous, db, body, kwargs, field):
    response = anonymous.post(URL, body, **kwargs)

    assert response.status_code == 400
    answer = response.json()
    assert answer["field"] == field and answer["message"].startswith("file:")
    assert answer["code"] in ("invalid_image", "invalid_parameter")


def test_a_body_of_another_type_is_415(anonymous, db):
    response = anonymous.post(URL, {"file": "x"}, format="json")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_an_oversized_image_is_refused_before_decoding(anonymous, db, settings):
    settings.ATELIER_UPLOAD_MAX_BYTES = 1000

    response = anonymous.post(URL, png_bytes((300, 300), (1, 2, 3)) + b"\x00" * 2000,
                              content_type="image/png")

    assert response.status_code == 400
    assert "at most 1000 bytes" in response.json()["message"]


def test_verifications_are_rate_limited_per_address(anonymous, owner, db, settings):
    settings.ATELIER_VERIFY_RATE_LIMIT = "2/min"
    data = png_bytes((100, 100), (5, 5, 5))

    assert [_post(anonymous, data).status_code for _ in range(2)] == [200, 200]
    refused = _post(owner, data)  # a key does not lift the limit: the address is counted

    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    other_address = _post(anonymous, data, REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 200


def test_the_schema_documents_the_public_operation(anonymous, db):
    schema = anonymous.get("/api/schema/?format=json").json()

    operation = schema["paths"][URL]["post"]
    assert "security" not in operation
    assert set(operation["requestBody"]["content"]) == {"multipart/form-data", "image/*"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Verification"}
    assert {"400", "413", "415", "429"} <= set(operation["responses"])
    assert not {"401", "403", "404", "409"} & set(operation["responses"])
    assert all(p["name"] != "Idempotency-Key" for p in operation.get("parameters", []))
    fields = schema["components"]["schemas"]["Verification"]["properties"]
    assert {"made_by_atelier", "verdict", "created_at", "model", "edited_since",
            "content_credentials", "publisher", "summary"} <= set(fields)


def test_a_body_over_the_cap_is_refused_unread(anonymous, db, settings):
    settings.ATELIER_UPLOAD_MAX_BYTES = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000

    response = anonymous.post(URL, b"\x89PNG" + b"\x00" * 100_000, content_type="image/png")

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
