"""Refining a picked image in the dashboard: each action submits ordinary jobs (same rules,
quotas and prices as the API) linked to the picked image; outpainting to several ad formats
is one job per format, all or nothing. `edit` is what the editor's form does: plan, then
submit."""

import pytest
from django.urls import reverse

from assets.models import Asset
from core.errors import InvalidParameter
from dashboard import editor
from generation import refinements
from generation.models import Job
from generation.runner import run_job
from tests.helpers import png_bytes


def edit(tenant, asset, action, **fields):
    return editor.submit(tenant, asset, editor.plan(tenant, asset, action, **fields))


@pytest.fixture
def picked(acme, submit):
    job = submit(n=1, size="512x512", seed=7)
    run_job(job.pk)
    return job.assets.get()


@pytest.mark.parametrize("action, model, operation", [
    ("variations", "sd3.5-large", "image_to_image"),
    ("finish", "stable-image-ultra", "text_to_image"),
    ("upscale", "stability-upscale-fast", "upscale"),
    ("remove_background", "stability-remove-background", "remove_background"),
    ("replace_background", "nova-2-omni", "replace_background"),
])
def test_each_action_makes_a_job_from_the_picked_image(acme, picked, empty_queue, action,
                                                       model, operation):
    [job] = edit(acme.tenant, picked, action, prompt="on a beach"
                 if action == "replace_background" else "")
    assert (job.model_key, job.operation, job.source_asset_id) == (model, operation, picked.pk)
    uses_image = refinements.ACTIONS[action].uses_image
    assert job.request.get("images", []) == ([str(picked.pk)] if uses_image else [])


def test_finish_keeps_the_seed_and_prompt_and_makes_a_final(acme, picked, empty_queue):
    [job] = edit(acme.tenant, picked, "finish")
    assert job.seed == picked.seed == 7
    assert job.prompt == picked.parameters["prompt"]
    assert job.stage == "final"
    assert job.request["aspect_ratio"] == "1:1"


def test_outpaint_makes_one_job_per_format(acme, picked, empty_queue):
    jobs = edit(acme.tenant, picked, "outpaint", formats=["16:9", "1:1", "3:1"])
    assert [job.request["aspect_ratio"] for job in jobs] == ["1:1", "16:9"]
    run_job(jobs[1].pk)
    jobs[1].refresh_from_db()
    assert jobs[1].status == "succeeded"
    assert (jobs[1].width, jobs[1].height) == (910, 512)


def test_outpaint_without_formats_makes_nothing(acme, picked, empty_queue):
    with pytest.raises(InvalidParameter, match="formats"):
        edit(acme.tenant, picked, "outpaint", formats=[])
    assert Job.objects.for_tenant(acme.tenant).count() == 1


def test_a_model_that_cannot_do_the_action_is_refused(acme, picked, empty_queue):
    with pytest.raises(InvalidParameter, match="model"):
        edit(acme.tenant, picked, "upscale", model="local")
    with pytest.raises(InvalidParameter, match="action"):
        edit(acme.tenant, picked, "sharpen")


def test_retired_models_are_not_offered():
    assert "nova-canvas" not in refinements.models_for("outpaint")
    assert refinements.models_for("outpaint")[0] == "stability-outpaint"


def test_an_image_in_review_cannot_be_refined(acme, picked, empty_queue):
    Asset.objects.for_tenant(acme.tenant).filter(pk=picked.pk).update(
        moderation_status="pending_review")
    picked.refresh_from_db()
    with pytest.raises(InvalidParameter, match="only approved images"):
        edit(acme.tenant, picked, "variations")


def test_the_refine_form_posts_outpaint_and_lists_the_jobs(browser, acme, picked, empty_queue):
    url = reverse("dashboard-refine", args=["acme", picked.pk])
    response = browser.post(url, {"action": "outpaint", "model": "stability-outpaint",
                                  "formats": ["4:5", "9:16"]}, follow=True)
    assert response.status_code == 200
    assert b"2 jobs started" in response.content
    assert Job.objects.for_tenant(acme.tenant).filter(source_asset=picked).count() == 2


def test_a_painted_mask_becomes_an_upload_and_an_inpaint_job(browser, acme, picked, empty_queue):
    import base64

    mask = png_bytes((512, 512), 0, mode="L", box=(100, 100, 300, 300), box_color=255)
    data_url = "data:image/png;base64," + base64.b64encode(mask).decode()
    response = browser.post(reverse("dashboard-refine", args=["acme", picked.pk]),
                            {"action": "inpaint", "mask_data": data_url, "prompt": "a vase"})
    job = Job.objects.for_tenant(acme.tenant).get(operation="inpaint")
    assert response["Location"] == reverse("dashboard-job", args=["acme", job.pk])
    assert Asset.objects.for_tenant(acme.tenant).get(pk=job.request["mask"]).kind == "upload"
    bad = browser.post(reverse("dashboard-refine", args=["acme", picked.pk]),
                       {"action": "inpaint", "mask_data": "data:text/html;base64,PGI+"},
                       follow=True)
    assert b"mask: expected a PNG" in bad.content


def test_another_tenants_image_cannot_be_refined(other, picked, empty_queue):
    for tenant in ("acme", "globex"):
        response = other.post(reverse("dashboard-refine", args=[tenant, picked.pk]),
                               {"action": "variations"})
        assert response.status_code == 404
    assert Job.unscoped.filter(source_asset=picked).count() == 0
