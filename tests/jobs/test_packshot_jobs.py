"""Packshots and shadows as jobs: a packshot is made and charged as its model's cut-out call and
composited in the worker for free; `shadow` is local-only and free; bad parameters are refused
before anything is written, queued or held."""

from __future__ import annotations

import io
from decimal import Decimal

import numpy as np
import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from assets.compliance import check
from assets.models import MarketplacePreset
from assets.uploads import create_upload
from billing.models import Reservation, UsageEvent
from billing.services import set_monthly_limits
from catalog.presets import builtin_presets
from generation.models import Job, ProviderAttempt
from generation.runner import run_job
from providers.compositing import srgb_icc
from tests.conftest import queued_messages


def product_photo(side: int = 1024) -> bytes:
    """A red box under a blue dome on an off-white studio background."""
    image = Image.new("RGB", (side, side), (246, 244, 240))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((side * 0.3, side * 0.4, side * 0.7, side * 0.8), side // 30,
                           fill=(200, 40, 60))
    draw.ellipse((side * 0.38, side * 0.22, side * 0.62, side * 0.46), fill=(40, 90, 170))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def cutout_photo(side: int = 512) -> bytes:
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((side // 3, side // 3, 2 * side // 3, 2 * side // 3),
                                    fill=(30, 120, 60, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def photo(acme):
    return create_upload(acme.tenant, product_photo(), filename="lamp.png")


def submitted(owner, body):
    response = owner.post("/api/v1/jobs", body, format="json")
    assert response.status_code == 202, response.json()
    return Job.unscoped.get(pk=response.json()["id"])


def stored(asset) -> bytes:
    with default_storage.open(asset.storage_key, "rb") as handle:
        return handle.read()


@pytest.mark.parametrize("model", ["local", "stability-remove-background"])
def test_a_packshot_is_charged_exactly_as_its_cut_out_call(owner, acme, photo, model):
    limits = set_monthly_limits(acme.tenant, images=None, budget_usd=None)
    limits.model_prices = {"local": "0.05"}  # the offline model is free unless priced
    limits.save()
    packshot = submitted(owner, {"model": model, "operation": "packshot",
                                 "images": [str(photo.pk)], "params": {"preset": "amazon-main"}})
    cutout = submitted(owner, {"model": model, "operation": "remove_background",
                               "images": [str(photo.pk)]})
    for job in (packshot, cutout):
        run_job(job.pk)
        job.refresh_from_db()
        assert job.status == "succeeded", job.error_message

    assert packshot.estimated_cost_usd == cutout.estimated_cost_usd > 0
    charged = {job.pk: UsageEvent.unscoped.get(job=job) for job in (packshot, cutout)}
    assert charged[packshot.pk].price_usd == charged[cutout.pk].price_usd
    assert charged[packshot.pk].aws_cost_usd == charged[cutout.pk].aws_cost_usd
    assert Reservation.unscoped.get(job=packshot).unit_price_usd == (
        Reservation.unscoped.get(job=cutout).unit_price_usd)
    # One model call, the cut-out; the compositing is not a call.
    (attempt,) = ProviderAttempt.unscoped.filter(job=packshot)
    assert attempt.outcome == "ok" and attempt.images == 1

    asset = packshot.assets.get()
    assert (asset.format, asset.width, asset.height) == ("jpeg", 2000, 2000)
    body = owner.get(f"/api/v1/jobs/{packshot.pk}").json()
    assert body["status"] == "succeeded" and body["params"]["shadow"] == "none"


def test_a_delivered_amazon_packshot_passes_the_compliance_check(owner, acme, photo):
    job = submitted(owner, {"model": "local", "operation": "packshot",
                            "images": [str(photo.pk)], "params": {"preset": "amazon-main"}})
    run_job(job.pk)
    report = check(stored(job.assets.get()), builtin_presets()["amazon-main"])
    assert report.passed, report.as_dict()
    assert report.rule("background").measured >= 0.999
    assert report.rule("fill").measured >= 0.85
    assert Image.open(io.BytesIO(stored(job.assets.get()))).info["icc_profile"] == srgb_icc()


def test_a_tenant_preset_sets_the_canvas_background_and_default_shadow(owner, acme, photo):
    MarketplacePreset.objects.for_tenant(acme.tenant).create(
        key="house", name="House style", size="1200x1500", aspect="4:5", background="#F0F0F0",
        min_fill=0.7, formats=["png"], shadow="natural")
    job = submitted(owner, {"model": "local", "operation": "packshot",
                            "images": [str(photo.pk)], "params": {"preset": "house"}})
    assert job.params["shadow"] == "contact"  # the preset's "natural"
    run_job(job.pk)
    image = Image.open(io.BytesIO(stored(job.assets.get())))
    assert (image.format, image.size) == ("PNG", (1200, 1500))
    corner = np.asarray(image.convert("RGB").crop((0, 0, 64, 64)), np.float32)
    assert np.abs(corner.mean(axis=(0, 1)) - 240).max() < 1  # #F0F0F0 under the watermark


def test_a_shadow_job_is_local_free_and_keeps_the_cut_out_transparent(owner, acme):
    cut = create_upload(acme.tenant, cutout_photo(), filename="cut.png")
    job = submitted(owner, {"model": "local", "operation": "shadow", "images": [str(cut.pk)],
                            "params": {"light_angle": 90, "distance": 0.3}})
    assert job.estimated_cost_usd == Decimal("0")
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert UsageEvent.unscoped.get(job=job).aws_cost_usd == Decimal("0")
    image = Image.open(io.BytesIO(stored(job.assets.get())))
    assert image.mode == "RGBA" and image.size == (512, 512)
    alpha = image.getchannel("A")
    assert alpha.getpixel((5, 5)) == 0  # far from the product: still transparent
    assert 0 < alpha.getpixel((512 // 3 - 40, 256)) < 255  # light from the right: shadow left


@pytest.mark.parametrize("body, field, words", [
    ({"params": {"preset": "walmart-main"}}, "params.preset", "unknown preset 'walmart-main'"),
    ({"params": {}}, "params.preset", "is required for 'packshot'"),
    ({"params": {"preset": "amazon-main", "shadow": "long"}}, "params.shadow",
     "must be one of none, contact, drop"),
    ({"params": {"preset": "amazon-main"}, "prompt": "on marble"}, "prompt",
     "'packshot' takes no prompt"),
    ({"params": {"preset": "amazon-main"}, "n": 2}, "n", "'packshot' makes 1 image"),
    ({"params": {"preset": "amazon-main"}, "model": "stability-inpaint"}, "operation",
     "does not support 'packshot'"),
    ({"operation": "shadow", "params": {"light_angle": 400}}, "params.light_angle",
     "between 0 and 360"),
    ({"operation": "shadow", "params": {"opacity": 1.5}}, "params.opacity", "between 0 and 1"),
    ({"operation": "shadow", "model": "stability-remove-background", "params": {}},
     "operation", "does not support 'shadow'"),
])
def test_bad_composition_parameters_are_refused_and_nothing_is_queued_or_held(
        owner, acme, photo, empty_queue, body, field, words):
    request = {"model": "local", "operation": "packshot", "images": [str(photo.pk)], **body}
    response = owner.post("/api/v1/jobs", request, format="json")
    assert response.status_code == 400
    answer = response.json()
    assert answer["field"] == field and words in answer["message"], answer
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert not Reservation.unscoped.exists() and queued_messages() == 0


def test_a_preset_without_a_stored_format_is_refused(owner, acme, photo):
    MarketplacePreset.objects.for_tenant(acme.tenant).create(
        key="print", name="Print", formats=["tiff"], source="unsourced")
    response = owner.post("/api/v1/jobs", {
        "model": "local", "operation": "packshot", "images": [str(photo.pk)],
        "params": {"preset": "print"}}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "params.preset"
    assert "allows only tiff" in response.json()["message"]


def test_a_cut_out_without_a_product_fails_for_good_instead_of_composing_nothing():
    from generation.compositions import composed
    from providers.base import GeneratedImage, ProviderCall, ProviderError, ProviderResult

    buffer = io.BytesIO()
    Image.new("RGBA", (256, 256), (0, 0, 0, 0)).save(buffer, "PNG")
    empty = GeneratedImage(data=buffer.getvalue(), format="png", width=256, height=256, seed=1)
    rules = {k: v for k, v in builtin_presets()["amazon-main"].as_dict().items()
             if k != "builtin" and v is not None}
    make = composed("packshot", {"preset": "amazon-main", "preset_rules": rules},
                    lambda call: ProviderResult(images=(empty,)))
    call = ProviderCall(model_id="atelier.local-v1", operation="remove_background", prompt="",
                        negative_prompt="", width=256, height=256, seeds=(1,))
    with pytest.raises(ProviderError) as raised:
        make(call)
    assert raised.value.code == "composition_failed" and not raised.value.retryable
    assert "empty" in raised.value.message
