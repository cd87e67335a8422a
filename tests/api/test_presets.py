"""GET /api/v1/presets and POST /api/v1/assets/{id}/check: the tenant's presets next to the
built-in ones, and its images checked against one; another tenant's image is not found."""

from __future__ import annotations

import base64

import pytest

from assets.models import Asset, MarketplacePreset
from tests.assets.test_compliance import OFF_WHITE, photo

API = "/api/v1"


def upload(client, image: bytes) -> str:
    made = client.post(f"{API}/uploads", {"data": base64.b64encode(image).decode()},
                       format="json")
    assert made.status_code == 201, made.content
    return made.json()["id"]


@pytest.fixture
def house_preset(acme):
    return MarketplacePreset.objects.for_tenant(acme.tenant).create(
        key="house", name="House style", min_longest_side=1000, aspect="1:1",
        background="#FAFAFA", min_fill=0.8, formats=["png"], source="our brand book")


def test_presets_list_the_built_in_ones_and_the_tenants_own(owner, stranger, house_preset):
    answer = owner.get(f"{API}/presets")
    assert answer.status_code == 200
    presets = {preset["key"]: preset for preset in answer.json()["presets"]}
    assert {"amazon-main", "amazon-secondary", "shopify", "etsy", "ebay", "google-merchant",
            "zalando-apparel", "house"} == set(presets)
    amazon = presets["amazon-main"]
    assert (amazon["background"], amazon["min_fill"], amazon["builtin"]) == (
        "#FFFFFF", 0.85, True)
    assert "sellercentral" in amazon["source"].lower() or "amazon" in amazon["source"].lower()
    assert presets["house"]["builtin"] is False
    assert "house" not in {p["key"] for p in stranger.get(f"{API}/presets").json()["presets"]}


def test_the_owner_checks_an_image(owner, acme):
    good = upload(owner, photo())
    answer = owner.post(f"{API}/assets/{good}/check?preset=amazon-main")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["preset"] == "amazon-main" and body["passed"] is True
    assert all(set(rule) == {"rule", "passed", "measured", "limit", "fix"}
               for rule in body["rules"])

    off_white = upload(owner, photo(background=OFF_WHITE))
    body = owner.post(f"{API}/assets/{off_white}/check?preset=amazon-main").json()
    assert body["passed"] is False
    (failed,) = [rule for rule in body["rules"] if not rule["passed"]]
    assert (failed["rule"], failed["measured"], failed["fix"]) == ("background", 0.0, "re-pad")
    assert Asset.objects.for_tenant(acme.tenant).count() == 2  # the check made nothing


def test_a_tenant_preset_is_checked_against(owner, house_preset):
    asset = upload(owner, photo(background=OFF_WHITE))
    body = owner.post(f"{API}/assets/{asset}/check?preset=house").json()
    assert body["passed"] is True, body  # its background is #FAFAFA


def test_another_tenants_image_is_not_found_and_anonymous_is_refused(owner, stranger,
                                                                     anonymous):
    asset = upload(owner, photo())
    answer = stranger.post(f"{API}/assets/{asset}/check?preset=amazon-main")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    assert anonymous.post(f"{API}/assets/{asset}/check?preset=amazon-main").status_code == 401
    assert anonymous.get(f"{API}/presets").status_code == 401


@pytest.mark.parametrize("query, message", [
    ("", "preset: required"),
    ("?preset=walmart", "preset: unknown preset 'walmart'; one of amazon-main"),
])
def test_the_preset_must_be_named_and_known(owner, query, message):
    asset = upload(owner, photo())
    answer = owner.post(f"{API}/assets/{asset}/check{query}")
    assert answer.status_code == 400
    assert answer.json()["field"] == "preset" and answer.json()["message"].startswith(message)


def test_a_rejected_image_is_a_conflict(owner, acme):
    asset = upload(owner, photo())
    Asset.objects.for_tenant(acme.tenant).filter(pk=asset).update(
        moderation_status=Asset.Moderation.REJECTED)
    answer = owner.post(f"{API}/assets/{asset}/check?preset=amazon-main")
    assert answer.status_code == 409 and answer.json()["field"] == "asset"


def test_the_check_needs_the_write_scope_as_every_post(read_only, owner):
    asset = upload(owner, photo())
    answer = read_only.post(f"{API}/assets/{asset}/check?preset=amazon-main")
    assert answer.status_code == 403 and answer.json()["code"] == "insufficient_scope"
    assert read_only.get(f"{API}/presets").status_code == 200
