"""Product scenes as jobs: a cut-out stood on a background the job's model makes from the
scene's prompt, priced as that text_to_image call; the cut-out is never sent to the model, a
photo without transparency is refused before anything is queued, and the offline model makes
scenes too."""

from __future__ import annotations

import io
from decimal import Decimal

import numpy as np
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from assets.uploads import create_upload
from billing.models import Reservation, UsageEvent
from billing.services import set_monthly_limits
from catalog.scenes import scene_book
from generation.models import Job, ProviderAttempt
from generation.runner import run_job
from providers import scenes
from tests.conftest import queued_messages
from tests.helpers import png_bytes

SIDE = 512
PRODUCT = (128, 256)  # 256 px tall: scale 0.5 of a 512 px frame places it 1:1


def cutout_png() -> tuple[bytes, np.ndarray]:
    """A product of random pixels on transparency, and those pixels."""
    rng = np.random.default_rng(11)
    pixels = rng.integers(0, 256, (PRODUCT[1], PRODUCT[0], 3), dtype=np.uint8)
    image = Image.new("RGBA", (300, 320), (0, 0, 0, 0))
    image.paste(Image.fromarray(pixels, "RGB").convert("RGBA"), (60, 30))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue(), pixels.astype(np.int16)


@pytest.fixture
def cut(acme):
    data, _ = cutout_png()
    return create_upload(acme.tenant, data, filename="cut.png")


def submitted(owner, body):
    response = owner.post("/api/v1/jobs", body, format="json")
    assert response.status_code == 202, response.json()
    return Job.unscoped.get(pk=response.json()["id"])


def stored(asset) -> np.ndarray:
    with default_storage.open(asset.storage_key, "rb") as handle:
        return np.asarray(Image.open(io.BytesIO(handle.read())).convert("RGB"), np.int16)


def product_box(scene: str, placement: str = "centre", scale: float = 0.5
                ) -> tuple[int, int, int, int]:
    book = scene_book()
    spot = book.placements[placement]
    stand = scenes.Stand(x=spot.x, ground=spot.ground or book.scenes[scene].ground, scale=scale)
    return scenes.placed_box(PRODUCT, (SIDE, SIDE), stand)


def test_the_local_model_makes_scene_variations_offline_keeping_the_product(owner, acme, cut):
    job = submitted(owner, {
        "model": "local", "operation": "scene", "images": [str(cut.pk)], "n": 2,
        "size": f"{SIDE}x{SIDE}", "params": {"scene": "marble_counter", "scale": 0.5,
                                             "placement": "thirds_left"}})
    assert job.params["shadow"] == "drop"  # the marble counter's own
    assert job.params["scene_rules"]["scene"] == "marble_counter"
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error_message
    assert ProviderAttempt.unscoped.filter(job=job, outcome="ok").count() == 2
    first, second = (stored(asset) for asset in job.assets.order_by("index"))
    assert first.shape == second.shape == (SIDE, SIDE, 3)

    left, top, width, height = product_box("marble_counter", "thirds_left")
    assert (width, height) == PRODUCT and abs(left + width / 2 - SIDE / 3) <= 1
    _, want = cutout_png()
    band = scenes.MIN_BAND + 2
    inner = (slice(top + band, top + height - band), slice(left + band, left + width - band))
    for image in (first, second):  # the product's own pixels, under the invisible watermark
        difference = np.abs(image[inner] - want[band:-band, band:-band])
        assert difference.mean() < 2.5, difference.mean()
    # Variations: the same product in the same place, on different backgrounds.
    assert np.abs(first[inner] - second[inner]).mean() < 3
    assert np.abs(first[:, left + width + 40:] - second[:, left + width + 40:]).mean() > 4


def test_a_scene_on_bedrock_sends_text_to_image_without_the_cut_out_priced_as_that_call(
        owner, acme, bedrock, cut):
    set_monthly_limits(acme.tenant, images=None, budget_usd=None)
    scene = submitted(owner, {"model": "stable-image-core", "operation": "scene",
                              "images": [str(cut.pk)], "prompt": "eucalyptus sprigs",
                              "aspect_ratio": "1:1", "seed": 7,
                              "params": {"scene": "kitchen"}})
    plain = submitted(owner, {"model": "stable-image-core", "operation": "text_to_image",
                              "prompt": "a kitchen", "aspect_ratio": "1:1", "seed": 7})
    for job in (scene, plain):
        run_job(job.pk)
        job.refresh_from_db()
        assert job.status == "succeeded", job.error_message

    sent = bedrock.bodies()[0]
    kitchen = scene_book().scenes["kitchen"]
    assert sent["prompt"] == f"{kitchen.prompt}, eucalyptus sprigs, {scene_book().background}"
    assert sent["negative_prompt"] == kitchen.negative_prompt
    assert "image" not in sent and "mode" not in sent  # no source image: text to image
    assert set(sent) - {"prompt", "negative_prompt", "aspect_ratio", "seed",
                        "output_format"} == set()
    assert scene.estimated_cost_usd == plain.estimated_cost_usd == Decimal("0.04")
    charged = {job.pk: UsageEvent.unscoped.get(job=job) for job in (scene, plain)}
    assert charged[scene.pk].aws_cost_usd == charged[plain.pk].aws_cost_usd == Decimal("0.04")
    assert charged[scene.pk].price_usd == charged[plain.pk].price_usd
    assert Reservation.unscoped.get(job=scene).unit_price_usd == (
        Reservation.unscoped.get(job=plain).unit_price_usd)
    (asset,) = scene.assets.all()
    assert (asset.operation, asset.width, asset.height) == ("scene", scene.width, scene.height)


def test_a_scene_from_a_prompt_alone_uses_the_prompt_and_the_default_light(owner, acme, cut):
    job = submitted(owner, {"model": "local", "operation": "scene", "images": [str(cut.pk)],
                            "prompt": "a sandy beach at golden hour", "size": "256x256"})
    rules = job.params["scene_rules"]
    assert rules["scene"] == "" and rules["light_angle"] == scene_book().default.light_angle
    assert job.params["shadow"] == scene_book().default.shadow
    assert (job.params["placement"], job.params["scale"], job.params["harmonize"]) == (
        "centre", 0.6, 0.5)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error_message


def test_a_scene_result_can_be_outpainted_to_an_ad_format(owner, acme, cut):
    scene = submitted(owner, {"model": "local", "operation": "scene", "images": [str(cut.pk)],
                              "size": "512x512", "params": {"scene": "studio_gradient"}})
    run_job(scene.pk)
    banner = submitted(owner, {"model": "stability-outpaint", "operation": "outpaint",
                               "images": [str(scene.assets.get().pk)], "aspect_ratio": "16:9"})
    run_job(banner.pk)
    banner.refresh_from_db()
    assert banner.status == "succeeded", banner.error_message
    assert stored(banner.assets.get()).shape[:2] == (512, 910)


@pytest.mark.parametrize("body, field, words", [
    ({"params": {"scene": "moon_base"}}, "params.scene", "must be one of marble_counter"),
    ({"params": {}}, "prompt", "a scene without params.scene needs a prompt"),
    ({"params": {"scene": "kitchen", "placement": "top"}}, "params.placement",
     "must be one of centre, thirds_left, thirds_right, bottom"),
    ({"params": {"scene": "kitchen", "scale": 1.5}}, "params.scale", "between 0.2 and 0.9"),
    ({"params": {"scene": "kitchen", "shadow": "long"}}, "params.shadow",
     "must be one of none, contact, drop"),
    ({"params": {"scene": "kitchen", "harmonize": -1}}, "params.harmonize", "between 0 and 1"),
    ({"params": {"scene": "kitchen"}, "prompt": "x" * 1990}, "prompt",
     "characters in a scene on 'local'"),
    ({"params": {"scene": "kitchen"}, "images": []}, "images", "product cut-out"),
    ({"params": {"scene": "kitchen"}, "model": "stability-inpaint"}, "operation",
     "does not support 'scene'"),
])
def test_bad_scene_requests_are_refused_and_nothing_is_queued_or_held(
        owner, acme, cut, empty_queue, body, field, words):
    request = {"model": "local", "operation": "scene", "images": [str(cut.pk)], **body}
    response = owner.post("/api/v1/jobs", request, format="json")
    assert response.status_code == 400
    answer = response.json()
    assert answer["field"] == field and words in answer["message"], answer
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert not Reservation.unscoped.exists() and queued_messages() == 0


@pytest.mark.parametrize("data, words", [
    (png_bytes((320, 320), (200, 40, 40)), "no transparent pixels; cut the product out first "
                                            "(operation remove_background)"),
    (png_bytes((320, 320), (0, 0, 0, 0), mode="RGBA"), "the cut-out is empty"),
])
def test_a_source_that_is_not_a_cut_out_is_refused_naming_images_0(
        owner, acme, empty_queue, data, words):
    photo = create_upload(acme.tenant, data, filename="photo.png")
    response = owner.post("/api/v1/jobs", {
        "model": "stable-image-ultra", "operation": "scene", "images": [str(photo.pk)],
        "params": {"scene": "outdoor"}}, format="json")
    assert response.status_code == 400
    answer = response.json()
    assert answer["field"] == "images[0]" and words in answer["message"], answer
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert not Reservation.unscoped.exists() and queued_messages() == 0
    assert not UsageEvent.unscoped.exists()


def test_a_cut_outs_transparency_is_read_from_its_file_once(owner, acme, cut, empty_queue):
    """The editor estimates a scene on every change of its form: after the first estimate the
    check no longer opens the file (here it is gone, and estimates still answer)."""
    body = {"model": "local", "operation": "scene", "images": [str(cut.pk)],
            "params": {"scene": "kitchen"}, "dry_run": True}
    assert owner.post("/api/v1/jobs", body, format="json").status_code == 200
    default_storage.delete(cut.storage_key)
    again = owner.post("/api/v1/jobs", {**body, "params": {"scene": "outdoor"}}, format="json")
    assert again.status_code == 200, again.json()
    assert not Job.objects.for_tenant(acme.tenant).exists()
