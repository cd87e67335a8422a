"""The compliance check's one-click fix as a job (`operation: conform`, local-only, free): an
off-white, small product photo fixed for Amazon's main image passes the check as stored
(watermark and C2PA included), one fix at a time does only that fix, the source stays as it
was, and bad parameters are refused before anything is queued or held."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assets.compliance import check
from assets.uploads import create_upload
from billing.models import Reservation, UsageEvent
from catalog.presets import builtin_presets
from generation.models import Job
from generation.runner import run_job
from tests.conftest import queued_messages
from tests.jobs.test_packshot_jobs import product_photo, stored, submitted


@pytest.fixture
def photo(acme):
    """1024 px, off-white background, the product filling about half the frame: fails
    Amazon's main image on background and fill."""
    return create_upload(acme.tenant, product_photo(1024), filename="lamp.png")


def fixed(owner, photo, **params):
    job = submitted(owner, {"model": "local", "operation": "conform",
                            "images": [str(photo.pk)], "params": params})
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error_message
    return job, job.assets.get()


def test_fixing_everything_makes_a_new_image_that_passes_and_costs_nothing(owner, photo):
    amazon = builtin_presets()["amazon-main"]
    before = check(stored(photo), amazon)
    assert {"background", "fill"} <= set(before.failed)
    job, asset = fixed(owner, photo, preset="amazon-main")
    report = check(stored(asset), amazon)
    assert report.passed, report.as_dict()
    assert asset.compliance["passed"] is True and asset.preset == "amazon-main"
    assert asset.format in amazon.formats and max(asset.width, asset.height) >= 1600
    assert job.estimated_cost_usd == Decimal("0")
    assert UsageEvent.unscoped.get(job=job).price_usd == Decimal("0")
    assert stored(photo) == product_photo(1024)  # the source is untouched


def test_one_fix_does_only_that_fix(owner, photo):
    amazon = builtin_presets()["amazon-main"]
    _, asset = fixed(owner, photo, preset="amazon-main", fix="resize")
    report = check(stored(asset), amazon)
    assert report.rule("longest_side").passed
    assert not report.rule("background").passed  # not asked for: still off-white


@pytest.mark.parametrize(("params", "field"), [
    ({}, "params.preset"),
    ({"preset": "nope"}, "params.preset"),
    ({"preset": "amazon-main", "fix": "sharpen"}, "params.fix"),
])
def test_bad_parameters_are_refused_naming_them_with_nothing_queued_or_held(
        owner, acme, photo, params, field):
    response = owner.post("/api/v1/jobs", {"model": "local", "operation": "conform",
                                           "images": [str(photo.pk)], "params": params},
                          format="json")
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not Job.unscoped.exists() and not Reservation.unscoped.exists()
    assert queued_messages() == 0


def test_only_the_local_model_offers_it(owner, photo):
    response = owner.post("/api/v1/jobs", {"model": "stable-image-core", "operation": "conform",
                                           "images": [str(photo.pk)],
                                           "params": {"preset": "amazon-main"}}, format="json")
    assert response.status_code == 400
    assert "conform" in response.json()["message"]
