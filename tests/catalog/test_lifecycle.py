"""Lifecycle as shipped: retired models name a successor that works for the request's
operation and stage, preview models wait for the operator, token-billed prices are labelled
estimates, and extended access without a known price is refused (money fails closed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from catalog.fleet import EMPTY
from catalog.requests import STAGES, JobRequest
from catalog.spec import (
    CATALOG_FILE,
    CatalogError,
    ModelRetired,
    ModelUnavailable,
    PriceRule,
    catalog,
    load_catalog,
)

# Retired model -> operation -> (drafts, finals). Text to image as AWS's own samples moved
# Nova Canvas users (Stable Image Core for drafts, Ultra for finals); edits to the Stability
# Image Service doing the same operation; None where no catalog model does the operation.
CORE_ULTRA = ("stable-image-core", "stable-image-ultra")
AMAZON_EDITS = {"text_to_image": CORE_ULTRA,
                "inpaint": ("stability-inpaint",) * 2,
                "outpaint": ("stability-outpaint",) * 2,
                "variation": (None, None)}
EXPECTED = {
    "nova-canvas": {**AMAZON_EDITS, "remove_background": ("stability-remove-background",) * 2,
                    "packshot": ("stability-remove-background",) * 2,
                    "color_guided": (None, None), "replace_background": (None, None),
                    "virtual_try_on": (None, None)},
    "titan-image-v1": AMAZON_EDITS,
    "titan-image-v2": {**AMAZON_EDITS,
                       "remove_background": ("stability-remove-background",) * 2,
                       "packshot": ("stability-remove-background",) * 2,
                       "color_guided": (None, None)},
    "sdxl": {"text_to_image": ("sd3.5-large",) * 2, "image_to_image": ("sd3.5-large",) * 2,
             "inpaint": ("stability-inpaint",) * 2},
}
CASES = [(key, operation, stage, successors[STAGES.index(stage)])
         for key, operations in EXPECTED.items()
         for operation, successors in operations.items() for stage in STAGES]


def test_the_table_covers_every_operation_of_every_retired_model():
    retired = {spec.key: set(spec.operations) for spec in catalog() if spec.state() == "eol"}
    assert retired == {key: set(operations) for key, operations in EXPECTED.items()}


@pytest.mark.parametrize(("key", "operation", "stage", "successor"), CASES)
def test_a_retired_model_names_the_successor_for_the_operation(key, operation, stage,
                                                                 successor):
    spec = catalog().get(key)
    request = JobRequest(model=key, operation=operation, stage=stage, prompt="a bag")
    with pytest.raises(ModelRetired) as raised:
        spec.check_callable(request, EMPTY, "us-east-1")
    assert raised.value.code == "model_retired" and raised.value.field == "model"
    assert raised.value.extra["successor"] == successor
    if successor is None:
        assert f"no model in the catalog takes over {operation!r}" in raised.value.message
        return
    assert f"use {successor!r} instead" in raised.value.message
    replacement = catalog().get(successor)
    assert operation in replacement.operations and replacement.usable()


def test_the_api_names_the_finals_successor_for_a_final(owner, acme, empty_queue):
    from generation.models import Job

    response = owner.post("/api/v1/jobs", {"model": "nova-canvas", "prompt": "a bag",
                                           "stage": "final"}, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["successor"]) == (
        "model_retired", "stable-image-ultra")
    assert "2026-09-30" in response.json()["message"]
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_nova_2_omni_is_a_preview_refused_until_the_operator_enables_previews(
        owner, acme, settings, empty_queue):
    from generation.models import Job

    spec = catalog().get("nova-2-omni")
    assert spec.state() == "preview"
    settings.ATELIER_PREVIEW_MODELS = False
    body = {"model": "nova-2-omni", "prompt": "a red handbag", "dry_run": True}
    response = owner.post("/api/v1/jobs", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "model_unavailable"
    assert "ATELIER_PREVIEW_MODELS" in response.json()["message"]
    assert not spec.usable()
    settings.ATELIER_PREVIEW_MODELS = True
    assert spec.usable()
    assert owner.post("/api/v1/jobs", body, format="json").status_code == 200
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_nova_2_omni_is_billed_per_token_and_its_price_per_image_is_an_estimate():
    spec = catalog().get("nova-2-omni")
    assert spec.price_unit == "token" and spec.price_is_estimate
    assert spec.token_prices is not None and spec.token_prices.verified is False
    assert all(rule.estimate for rule in spec.prices)
    per_image = [s.key for s in catalog() if s.price_unit == "image" and s.price_is_estimate]
    assert per_image == []


def test_no_successor_is_a_preview_or_retired_model():
    specs = {spec.key: spec for spec in catalog()}
    for spec in specs.values():
        for stages in spec.lifecycle.successors.values():
            for successor in stages.values():
                assert specs[successor].lifecycle.state == "active", (spec.key, successor)


def _entry(**changes):
    entries = yaml.safe_load(CATALOG_FILE.read_text())["models"]
    local = next(e for e in entries if e["key"] == "local")
    return {**local, **changes}


def _write(tmp_path: Path, *entries) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"models": list(entries)}))
    return path


@pytest.mark.parametrize(("successor_state", "operations", "message"), [
    ("active", {"inpaint": {}}, "'new' does not do 'text_to_image'"),
    ("preview", {"text_to_image": {}}, "'new' is preview"),
])
def test_a_successor_must_work_for_the_operation_it_takes_over(tmp_path, successor_state,
                                                               operations, message):
    old = _entry(key="old", lifecycle={"state": "legacy", "successor": {"text_to_image": "new"}})
    new = _entry(key="new", lifecycle={"state": successor_state}, operations=operations)
    with pytest.raises(CatalogError, match=message):
        load_catalog(_write(tmp_path, old, new), environ={})


def test_extended_access_without_a_price_for_it_is_refused(tmp_path):
    path = _write(tmp_path, _entry(key="old", lifecycle={
        "state": "legacy", "eol": "2027-06-30", "extended_access": "2026-12-01"}))
    spec = load_catalog(path, environ={}).get("old")
    request = JobRequest(model="old", prompt="x")
    spec.check_callable(request, EMPTY, "us-east-1", today=date(2026, 11, 30))
    with pytest.raises(ModelUnavailable, match="extended access since 2026-12-01"):
        spec.check_callable(request, EMPTY, "us-east-1", today=date(2026, 12, 1))
    priced = replace(spec, prices=(*spec.prices, PriceRule(
        usd=spec.prices[0].usd * 2, effective_from=date(2026, 12, 1))))
    priced.check_callable(request, EMPTY, "us-east-1", today=date(2026, 12, 1))


def test_the_answers_say_when_a_price_is_an_estimate(owner, settings):
    """/models and a dry run flag a token-billed model's per-image price as an estimate."""
    settings.ATELIER_PREVIEW_MODELS = True
    models = {m["key"]: m for m in owner.get("/api/v1/models").json()["models"]}
    omni, core = models["nova-2-omni"], models["stable-image-core"]
    assert (omni["price_unit"], omni["price_is_estimate"]) == ("token", True)
    assert all(rule["estimate"] for rule in omni["prices"])
    assert (core["price_unit"], core["price_is_estimate"]) == ("image", False)
    estimate = owner.post("/api/v1/jobs", {"model": "nova-2-omni", "prompt": "a bag",
                                           "dry_run": True}, format="json").json()
    assert estimate["price_is_estimate"] is True
