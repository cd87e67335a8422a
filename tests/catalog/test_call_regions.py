"""The Regions a model is called in: the operator's list, else today's Region then those the last
sync found offering it with access; an inference profile keeps to its geography, a tenant to
its data residency setting; an unsynced deployment keeps exactly one Region."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.fleet import ACCESS_DENIED, ACCESS_GRANTED, EMPTY, Fleet, Offer, RegionStatus
from catalog.regions import GEOGRAPHIES
from catalog.requests import JobRequest
from catalog.spec import CatalogError, ModelRetired, ModelUnavailable, load_catalog
from tenants.models import BedrockGeography

CANVAS = "amazon.nova-canvas-v1:0"
ALIVE = {"ATELIER_MODEL_LIFECYCLE__NOVA_CANVAS": "active"}
REQUEST = JobRequest(model="nova-canvas", prompt="a lamp")


def canvas(**environ: str):
    return load_catalog(environ={**ALIVE, **environ}).get("nova-canvas")


def fleet_of(*offers: Offer, synced: tuple[str, ...] = ()) -> Fleet:
    now = timezone.now()
    regions = {o.region for o in offers} | set(synced)
    return Fleet.of(offers, [RegionStatus(r, now, now, "") for r in regions])


def offer(region: str, model_id: str = CANVAS, *, offered: bool = True,
          access: str = ACCESS_GRANTED, **fields) -> Offer:
    return Offer(model_id=model_id, region=region, offered=offered,
                 status="ACTIVE" if offered else "", access=access, **fields)


def test_without_sync_data_the_model_keeps_its_one_region():
    assert canvas().check_callable(REQUEST, EMPTY, "us-east-1") == ("us-east-1",)
    assert canvas().check_callable(REQUEST, EMPTY, "us-west-2") == ("us-east-1",)


def test_the_variable_lists_the_regions_in_order():
    spec = canvas(ATELIER_MODEL_REGIONS__NOVA_CANVAS=" eu-west-1, us-east-1,eu-west-1 ")
    assert spec.call_regions == ("eu-west-1", "us-east-1")
    assert spec.check_callable(REQUEST, EMPTY, "us-east-1") == ("eu-west-1", "us-east-1")


@pytest.mark.parametrize(("key", "value", "problem"), [
    ("NOVA_CANVAS", "us-east-1,,moon", "'moon' is not a Region name"),
    ("NOVA_CANVAS", " , ", "expected Region names"),
    ("STABILITY_INPAINT", "us-east-1,eu-west-1", "outside the geography"),
])
def test_a_bad_region_list_stops_start_up(key, value, problem):
    with pytest.raises(CatalogError) as caught:
        load_catalog(environ={**ALIVE, f"ATELIER_MODEL_REGIONS__{key}": value})
    assert f"ATELIER_MODEL_REGIONS__{key}" in str(caught.value)
    assert problem in str(caught.value)


def test_the_sync_adds_the_catalog_regions_that_offer_it_with_access():
    synced = fleet_of(offer("us-east-1"), offer("eu-west-1"),
                      offer("ap-northeast-1", access=ACCESS_DENIED))
    assert canvas().check_callable(REQUEST, synced, "us-east-1") == ("us-east-1", "eu-west-1")
    # A Region the catalog does not list is not tried, whatever the sync says.
    assert "eu-central-1" not in canvas().check_callable(
        REQUEST, fleet_of(offer("eu-central-1")), "us-east-1")


def test_a_region_that_lost_the_model_is_left_out():
    synced = fleet_of(offer("us-east-1", offered=False), offer("eu-west-1"))
    assert canvas().check_callable(REQUEST, synced, "us-east-1") == ("eu-west-1",)
    listed = canvas(ATELIER_MODEL_REGIONS__NOVA_CANVAS="us-east-1,eu-west-1")
    assert listed.check_callable(REQUEST, synced, "us-east-1") == ("eu-west-1",)


def test_when_every_region_refuses_the_first_ones_reason_is_given():
    gone = fleet_of(offer("us-east-1", offered=False), offer("eu-west-1", access=ACCESS_DENIED))
    listed = canvas(ATELIER_MODEL_REGIONS__NOVA_CANVAS="us-east-1,eu-west-1")
    with pytest.raises(ModelUnavailable) as caught:
        listed.check_callable(REQUEST, gone, "us-east-1")
    assert "not offered by Bedrock in us-east-1" in caught.value.message
    retired = fleet_of(offer("us-east-1", eol_at=timezone.now() - timedelta(days=1)))
    with pytest.raises(ModelRetired):
        canvas().check_callable(REQUEST, retired, "us-east-1")


def test_an_inference_profile_keeps_to_its_geography():
    spec = load_catalog(environ={}).get("stability-inpaint")
    base = spec.base_model_id
    widened = replace(spec, regions=(*spec.regions, "eu-west-1"))
    synced = fleet_of(*(offer(r, base, profiles=(spec.model_id,))
                        for r in ("us-east-1", "us-west-2", "eu-west-1")))
    request = JobRequest(model=spec.key, operation="inpaint")
    assert widened.check_callable(request, synced, "us-east-1") == ("us-east-1", "us-west-2")


def test_a_tenant_geography_narrows_the_regions():
    synced = fleet_of(offer("us-east-1"), offer("eu-west-1"), offer("ap-northeast-1"))
    spec = canvas()
    assert spec.check_callable(REQUEST, synced, "us-east-1", geography="eu") == ("eu-west-1",)
    assert spec.check_callable(REQUEST, synced, "us-east-1", geography="apac") == (
        "ap-northeast-1",)
    with pytest.raises(ModelUnavailable) as caught:
        spec.check_callable(REQUEST, EMPTY, "us-east-1", geography="eu")
    assert "bedrock_geography: eu" in caught.value.message


def test_the_tenant_setting_offers_exactly_the_known_geographies():
    assert set(BedrockGeography.values) == {"any", *GEOGRAPHIES}


def test_the_iam_policy_allows_every_listed_region():
    from catalog.iam import invoke_model_resources

    listed = canvas(ATELIER_MODEL_REGIONS__NOVA_CANVAS="us-east-1,eu-west-1")
    assert invoke_model_resources("123456789012", "us-east-1", models=[listed]) == [
        f"arn:aws:bedrock:us-east-1::foundation-model/{CANVAS}",
        f"arn:aws:bedrock:eu-west-1::foundation-model/{CANVAS}"]
    assert invoke_model_resources("123456789012", "us-east-1", models=[canvas()]) == [
        f"arn:aws:bedrock:us-east-1::foundation-model/{CANVAS}"]
