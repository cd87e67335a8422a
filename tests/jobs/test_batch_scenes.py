"""Catalog rows of scenes and ad formats: a row's photo is cut out, each scene places the
cut-out, each ad format extends each scene; the whole chain is priced and held at intake, only
its first job is queued, each later job waits for the image of the one before it, and a step
that delivers nothing cancels what waits for it, with its holds released."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import numpy as np
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from assets.models import Asset
from assets.uploads import create_upload
from billing.models import Ledger, Reservation, UsageEvent
from billing.services import set_monthly_limits
from catalog.scenes import scene_book
from generation.models import Batch, Job
from generation.runner import claim_job, fail_exhausted_job, run_job, sweep_stale_jobs
from providers import scenes
from tests.conftest import queued_messages
from tests.factories import MonthlyLimitsFactory
from tests.jobs.test_batch_packshots import catalog_photo

SCENES = ["kitchen", "outdoor"]
FORMATS = ["16:9", "9:16"]
SIDE = 512


@pytest.fixture
def photo(acme):
    return create_upload(acme.tenant, catalog_photo(4, SIDE), filename="kettle.png")


@pytest.fixture
def priced(acme):
    """Acme's prices: a cut-out $0.05, a scene $0.10, an ad format $0.25."""
    MonthlyLimitsFactory(tenant=acme.tenant, model_prices={
        "stability-remove-background": "0.05", "local": "0.10", "stability-outpaint": "0.25"})
    return acme


def chain_row(photo, **extra):
    return {"sku": "KETTLE-1", "images": [str(photo.pk)], "scenes": SCENES,
            "formats": FORMATS, "size": f"{SIDE}x{SIDE}", "params": {"harmonize": 0}, **extra}


def submit(owner, *items, **body):
    return owner.post("/api/v1/batches", {"model": "local", "items": list(items), **body},
                      format="json")


def run_queue(batch_id) -> list[str]:
    """Run the batch's queued jobs until none is left (as the worker would), in order."""
    ran = []
    while queued := list(Job.unscoped.filter(batch_id=batch_id, status="queued")
                         .order_by("created_at")):
        for job in queued:
            run_job(job.pk)
            ran.append(job.operation)
    return ran


def stored(asset: Asset) -> Image.Image:
    with default_storage.open(asset.storage_key, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def nothing_left(tenant) -> bool:
    return (not Batch.objects.for_tenant(tenant).exists()
            and not Job.objects.for_tenant(tenant).exists()
            and not Reservation.unscoped.exists() and queued_messages() == 0)


def test_a_row_of_two_scenes_and_two_formats_is_seven_jobs_held_at_once(
        owner, priced, photo, empty_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(owner, chain_row(photo))
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["items"], body["jobs"], body["images"]) == (1, 7, 7)
    # One cut-out, two scenes, four ad formats: the sum of the chain's calls.
    assert Decimal(body["estimated_cost_usd"]) == Decimal("0.05") + 2 * Decimal("0.10") + (
        4 * Decimal("0.25"))
    assert body["counts"]["waiting"] == 6 and body["counts"]["queued"] == 1
    assert (body["status"], body["progress"]) == ("queued", 0.0)

    jobs = list(Job.objects.for_tenant(priced.tenant).order_by("created_at"))
    cut, *rest = jobs
    assert (cut.operation, cut.model_key, cut.status, cut.after_id) == (
        "remove_background", "stability-remove-background", "queued", None)
    scene_jobs = [job for job in rest if job.operation == "scene"]
    formats = [job for job in rest if job.operation == "outpaint"]
    assert sorted(job.params["scene"] for job in scene_jobs) == sorted(SCENES)
    assert all(job.after_id == cut.pk and job.status == "waiting" for job in scene_jobs)
    assert sorted((job.after_id, job.request["aspect_ratio"]) for job in formats) == sorted(
        (scene.pk, ratio) for scene in scene_jobs for ratio in FORMATS)
    assert all(job.status == "waiting" and "images" not in job.request and
               job.source_asset_id is None and job.enqueued_at is None for job in rest)
    # The ad format's canvas and price come from the scene it will extend (512x512).
    assert {(job.request["aspect_ratio"], job.width, job.height) for job in formats} == {
        ("16:9", 910, 512), ("9:16", 512, 910)}
    holds = {hold.job_id: hold for hold in Reservation.unscoped.all()}
    assert set(holds) == {job.pk for job in jobs}
    assert sum((hold.unit_price_usd * hold.images for hold in holds.values()), Decimal(0)) == (
        Decimal("1.25"))
    ledger = Ledger.objects.for_tenant(priced.tenant).get()
    assert (ledger.reserved_images, ledger.reserved_usd) == (7, Decimal("1.25"))
    assert queued_messages() == 1  # the cut-out alone: the others wait for it


def test_the_chain_does_not_fit_a_quota_of_six_images_and_nothing_is_made(
        owner, acme, photo, empty_queue):
    set_monthly_limits(acme.tenant, images=6, budget_usd=None)
    response = submit(owner, chain_row(photo))
    assert response.status_code == 402
    assert response.json()["code"] == "quota_exceeded"
    assert response.json()["images_left"] == 6
    assert nothing_left(acme.tenant)


def test_running_the_queue_finishes_the_chain_each_job_from_its_parents_image(
        owner, priced, photo, empty_queue):
    batch_id = submit(owner, chain_row(photo)).json()["id"]
    assert run_queue(batch_id) == ["remove_background", "scene", "scene", *["outpaint"] * 4]
    jobs = {job.pk: job for job in Job.objects.for_tenant(priced.tenant)}
    assert {job.status for job in jobs.values()} == {"succeeded"}, [
        (job.operation, job.error_message) for job in jobs.values()]
    for job in jobs.values():
        if job.after_id is None:
            continue
        parent_image = jobs[job.after_id].assets.get()
        assert job.source_asset_id == parent_image.pk
        assert job.request["images"] == [str(parent_image.pk)]
    assert UsageEvent.unscoped.filter(job__batch_id=batch_id).count() == 7
    ledger = Ledger.objects.for_tenant(priced.tenant).get()
    assert (ledger.used_images, ledger.used_usd, ledger.reserved_images) == (
        7, Decimal("1.25"), 0)
    detail = owner.get(f"/api/v1/batches/{batch_id}").json()
    assert (detail["status"], detail["progress"], detail["images_made"]) == ("completed", 1.0, 7)

    # Each ad format is its scene, extended: the scene's pixels are its middle.
    for banner in (job for job in jobs.values() if job.operation == "outpaint"):
        scene = np.asarray(stored(jobs[banner.after_id].assets.get()).convert("RGB"), np.int16)
        extended = np.asarray(stored(banner.assets.get()).convert("RGB"), np.int16)
        assert extended.shape[:2] == (banner.height, banner.width)
        top, left = (banner.height - SIDE) // 2, (banner.width - SIDE) // 2
        middle = extended[top + 8:top + SIDE - 8, left + 8:left + SIDE - 8]
        assert np.abs(middle - scene[8:-8, 8:-8]).mean() < 3


def test_the_scenes_keep_the_cut_outs_product_pixels(owner, acme, photo, empty_queue):
    batch_id = submit(owner, chain_row(photo, formats=None)).json()["id"]
    run_queue(batch_id)
    cut = Job.objects.for_tenant(acme.tenant).get(operation="remove_background")
    cut_image = stored(cut.assets.get())
    product = scenes.trim(scenes.cutout(cut_image))
    assert scenes.alpha_range(cut_image)[0] == 0  # a cut-out: transparent around the product
    for job in Job.objects.for_tenant(acme.tenant).filter(operation="scene"):
        assert job.status == "succeeded", job.error_message
        book = scene_book()
        stand = scenes.Stand(x=book.placements["centre"].x,
                             ground=book.scenes[job.params["scene"]].ground,
                             scale=job.params["scale"])
        left, top, width, height = scenes.placed_box(product.size, (SIDE, SIDE), stand)
        want = np.asarray(product.resize((width, height), Image.Resampling.LANCZOS)
                          .convert("RGB"), np.int16)
        alpha = np.asarray(product.resize((width, height)).getchannel("A"))
        made = np.asarray(stored(job.assets.get()).convert("RGB"), np.int16)
        inside = made[top:top + height, left:left + width]
        solid = alpha == 255
        solid[:6], solid[-6:], solid[:, :6], solid[:, -6:] = False, False, False, False
        assert solid.sum() > 1000
        difference = np.abs(inside[solid] - want[solid]).mean()
        assert difference < 3, difference
        around = made[:, :max(1, left - 20)]  # the background is the scene's, not the photo's
        assert np.abs(around - np.array([247, 245, 241])).mean() > 10


def test_formats_without_scenes_extend_the_photo_itself_at_once(
        owner, acme, photo, empty_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(owner, chain_row(photo, scenes=None, formats=["16:9"]))
    assert response.status_code == 202, response.json()
    (job,) = Job.objects.for_tenant(acme.tenant).all()
    assert (job.operation, job.status, job.after_id, job.request["images"]) == (
        "outpaint", "queued", None, [str(photo.pk)])
    assert queued_messages() == 1
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error_message


def test_a_failed_cut_out_cancels_every_job_after_it_and_charges_nothing(
        owner, priced, photo, empty_queue):
    batch_id = submit(owner, chain_row(photo)).json()["id"]
    cut = Job.objects.for_tenant(priced.tenant).get(operation="remove_background")
    claim_job(cut.pk)
    fail_exhausted_job(cut.pk, "gave up after 8 attempts")  # the queue gave up on it
    jobs = list(Job.objects.for_tenant(priced.tenant).exclude(pk=cut.pk))
    assert len(jobs) == 6
    for job in jobs:
        assert (job.status, job.error_code) == ("canceled", "source_unavailable")
        assert f"remove_background job {cut.pk}, which failed" in job.error_message
        assert "gave up after 8 attempts" in job.error_message
    assert not Reservation.unscoped.filter(status="held").exists()
    ledger = Ledger.objects.for_tenant(priced.tenant).get()
    assert (ledger.reserved_images, ledger.reserved_usd, ledger.used_usd) == (0, 0, 0)
    assert not UsageEvent.unscoped.exists()
    detail = owner.get(f"/api/v1/batches/{batch_id}").json()
    assert detail["status"] == "canceled" and detail["completed_at"] is not None
    assert run_queue(batch_id) == []


@pytest.mark.parametrize("confidence, why", [
    (60.0, "its image waits for a moderator's review"),
    (95.0, "which was blocked: rejected by output moderation"),
])
def test_a_cut_out_without_an_approved_image_cancels_the_scenes(
        owner, acme, photo, empty_queue, rekognition, confidence, why):
    from tests.fakes.rekognition import label

    submit(owner, chain_row(photo, formats=None))
    rekognition.labels = [label("Violence", confidence)]
    cut = Job.objects.for_tenant(acme.tenant).get(operation="remove_background")
    run_job(cut.pk)
    for job in Job.objects.for_tenant(acme.tenant).filter(operation="scene"):
        assert job.status == "canceled" and why in job.error_message, job.error_message
    assert not Reservation.unscoped.filter(job__operation="scene", status="held").exists()


def test_a_waiting_job_is_never_claimed_nor_swept(owner, acme, photo, empty_queue, settings):
    batch_id = submit(owner, chain_row(photo)).json()["id"]
    settings.ATELIER_QUEUED_TIMEOUT_SECONDS = 0
    waiting = list(Job.objects.for_tenant(acme.tenant).filter(status="waiting"))
    assert len(waiting) == 6
    assert all(claim_job(job.pk) is None for job in waiting)
    swept = sweep_stale_jobs(orphans=True)
    assert {str(job.pk) for job in waiting}.isdisjoint(swept)
    assert Job.objects.for_tenant(acme.tenant).filter(status="waiting").count() == 6
    assert Batch.objects.for_tenant(acme.tenant).get(pk=batch_id).completed_at is None


def test_the_sweep_starts_what_waits_for_a_job_that_ended_without_starting_it(
        owner, acme, photo, empty_queue):
    """A worker that died between ending the cut-out and starting its scenes."""
    submit(owner, chain_row(photo, formats=None))
    cut = Job.objects.for_tenant(acme.tenant).get(operation="remove_background")
    run_job(cut.pk)
    Job.unscoped.filter(after=cut).update(status="waiting", source_asset=None)
    sweep_stale_jobs()
    assert set(Job.objects.for_tenant(acme.tenant).filter(after=cut).values_list(
        "status", flat=True)) == {"queued"}


def test_the_manifest_and_the_zip_name_each_images_operation_scene_and_format(
        owner, acme, photo, empty_queue):
    batch_id = submit(owner, chain_row(photo)).json()["id"]
    run_queue(batch_id)
    response = owner.get(f"/api/v1/batches/{batch_id}/archive?stage=draft")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert sorted((row["sku"], row["operation"], row["scene"], row["format"]) for row in rows
                  ) == sorted([("KETTLE-1", "remove_background", "", "")]
                              + [("KETTLE-1", "scene", scene, "") for scene in SCENES]
                              + [("KETTLE-1", "outpaint", scene, ratio)
                                 for scene in SCENES for ratio in FORMATS])
    folders = sorted(name.rsplit("/", 1)[0] for name in archive.namelist()[1:])
    assert folders == sorted(["KETTLE-1", *(f"KETTLE-1/{scene}" for scene in SCENES),
                              *(f"KETTLE-1/{scene}/{ratio.replace(':', 'x')}"
                                for scene in SCENES for ratio in FORMATS)])

    results = owner.get(f"/api/v1/batches/{batch_id}/results").json()["results"]["KETTLE-1"]
    assert results["status"] == "succeeded" and len(results["assets"]) == 7
    steps = {(step["operation"], step["scene"], step["format"]): step
             for step in results["steps"]}
    assert steps[("outpaint", "kitchen", "16:9")]["after"] == (
        steps[("scene", "kitchen", None)]["job"])


def test_canceling_the_batch_cancels_the_waiting_jobs_and_releases_their_holds(
        owner, priced, photo, empty_queue):
    batch_id = submit(owner, chain_row(photo)).json()["id"]
    body = owner.post(f"/api/v1/batches/{batch_id}/cancel").json()
    assert body["counts"]["canceled"] == 7 and body["status"] == "canceled"
    assert not Reservation.unscoped.filter(status="held").exists()
    assert Ledger.objects.for_tenant(priced.tenant).get().reserved_usd == 0


def test_canceling_the_cut_out_cancels_the_jobs_after_it(owner, acme, photo, empty_queue):
    submit(owner, chain_row(photo, formats=["4:5"]))
    cut = Job.objects.for_tenant(acme.tenant).get(operation="remove_background")
    assert owner.post(f"/api/v1/jobs/{cut.pk}/cancel").json()["status"] == "canceled"
    assert set(Job.objects.for_tenant(acme.tenant).values_list("status", flat=True)) == {
        "canceled"}
    assert not Reservation.unscoped.filter(status="held").exists()


@pytest.mark.parametrize("row, column, words", [
    ({"scenes": ["kitchen", "moon_base"]}, "scenes[1]", "'moon_base' is not a scene key"),
    ({"scenes": ["kitchen", "kitchen"]}, "scenes[1]", "named twice"),
    ({"scenes": ["kitchen"] * 6}, "scenes", "a list of 1 to 5 scene keys"),
    ({"formats": ["3:2"]}, "formats[0]", "'3:2' is not a ad format; one of 1:1, 4:5"),
    ({"scene_model": "stability-inpaint"}, "scene_model", "does not support 'scene'"),
    ({"format_model": "nova-9"}, "format_model", "unknown model"),
    ({"cutout_model": "stable-image-core"}, "cutout_model", "remove_background"),
    ({"images": []}, "images", "needs the SKU's photo"),
    ({"operation": "inpaint"}, "operation", "a row with scenes or formats takes none"),
    ({"formats": ["1:1"]}, "formats[0]", "already 1:1 (512x512)"),
])
def test_a_wrong_row_names_its_row_and_column_and_nothing_is_made(
        owner, acme, photo, empty_queue, row, column, words):
    good = {"sku": "MUG-1", "images": [str(photo.pk)], "packshots": ["shopify"]}
    response = submit(owner, good, chain_row(photo, **row))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(error["row"] == 2 and error["column"] == column and words in error["message"]
               for error in errors), errors
    assert nothing_left(acme.tenant)


def test_csv_rows_name_the_headers_own_spelling(owner, acme, photo, empty_queue):
    data = (f"SKU,Image,Scenes,Formats,Size\n"
            f"KETTLE-1,{photo.pk},kitchen|outdoor,16:9|9:16,512x512\n"
            f"KETTLE-2,{photo.pk},kitchen|moon_base,16:9|2:1,512x512\n").encode()
    response = owner.post("/api/v1/batches?model=local", data, content_type="text/csv")
    assert response.status_code == 400
    errors = {(error["row"], error["column"]) for error in response.json()["errors"]}
    assert errors == {(3, "Scenes"), (3, "Formats")}, response.json()
    assert nothing_left(acme.tenant)
    accepted = owner.post("/api/v1/batches?model=local", data.split(b"KETTLE-2")[0],
                          content_type="text/csv")
    assert accepted.status_code == 202 and accepted.json()["jobs"] == 7


def test_another_tenant_finds_no_part_of_a_chain(owner, stranger, acme, photo, empty_queue):
    batch_id = submit(owner, chain_row(photo)).json()["id"]
    waiting = Job.objects.for_tenant(acme.tenant).filter(status="waiting").first()
    for path in (f"/api/v1/batches/{batch_id}", f"/api/v1/batches/{batch_id}/results",
                 f"/api/v1/batches/{batch_id}/archive?stage=all", f"/api/v1/jobs/{waiting.pk}"):
        assert stranger.get(path).status_code == 404, path
    assert stranger.post(f"/api/v1/jobs/{waiting.pk}/cancel").status_code == 404
    assert stranger.post(f"/api/v1/batches/{batch_id}/cancel").status_code == 404
    assert Job.objects.for_tenant(acme.tenant).filter(status="waiting").count() == 6
    shown = owner.get(f"/api/v1/jobs/{waiting.pk}").json()
    assert shown["status"] == "waiting" and shown["after"] is not None
    listed = owner.get("/api/v1/jobs?status=waiting").json()["results"]
    assert len(listed) == 6


def test_a_chain_on_bedrock_calls_each_model_with_its_parents_image(
        owner, acme, photo, bedrock, empty_queue):
    set_monthly_limits(acme.tenant, images=None, budget_usd=None)
    response = submit(owner, chain_row(photo, scenes=["studio_gradient"], formats=["16:9"],
                                       size=None, aspect_ratio="1:1",
                                       scene_model="stable-image-core"))
    assert response.status_code == 202, response.json()
    batch_id = response.json()["id"]
    run_queue(batch_id)
    jobs = {job.operation: job for job in Job.objects.for_tenant(acme.tenant)}
    assert {job.status for job in jobs.values()} == {"succeeded"}, [
        job.error_message for job in jobs.values()]
    assert [job.model_key for job in (jobs["remove_background"], jobs["scene"],
                                      jobs["outpaint"])] == [
        "stability-remove-background", "stable-image-core", "stability-outpaint"]
    charged = sum((event.price_usd for event in UsageEvent.unscoped.filter(
        job__batch_id=batch_id)), Decimal(0))
    assert charged == Decimal(response.json()["estimated_cost_usd"])
    scene = jobs["scene"].assets.get()
    assert jobs["outpaint"].source_asset_id == scene.pk
    assert stored(jobs["outpaint"].assets.get()).size == (jobs["outpaint"].width,
                                                          jobs["outpaint"].height)
