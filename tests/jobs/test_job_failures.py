"""Failures while running: the job is handed back for a retry, and fails when retries run out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from generation.actors import job_retries_exhausted
from generation.models import Job
from generation.runner import run_job


def broken_storages(storages: dict, tmp_path) -> dict:
    """A media root that cannot be created (its parent is a file): every save fails."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    return {**storages, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(blocker / "media"), "allow_overwrite": True}}}


def test_a_storage_failure_hands_the_job_back_at_once(submit, settings, tmp_path):
    job = submit(n=2)
    settings.STORAGES = broken_storages(settings.STORAGES, tmp_path)
    with pytest.raises(OSError):
        run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1
    assert job.lease_expires_at < timezone.now()
    assert not job.assets.exists()


def test_the_retry_after_a_storage_failure_completes_the_job(submit, settings, tmp_path):
    job = submit(n=2)
    good = settings.STORAGES
    settings.STORAGES = broken_storages(good, tmp_path)
    with pytest.raises(OSError):
        run_job(job.pk)
    settings.STORAGES = good
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.attempts == 2 and job.assets.count() == 2


def test_exhausted_retries_fail_a_job_that_made_nothing(submit):
    job = submit(n=2)
    job_retries_exhausted({"args": [str(job.pk)]}, {"retries": 8})
    job.refresh_from_db()
    assert job.status == "failed" and job.error_code == "retries_exhausted"
    assert "8 attempts" in job.error_message and job.finished_at


def test_exhausted_retries_keep_the_images_already_made(submit):
    job = submit(n=3)
    run_job(job.pk)
    job.assets.filter(index=2).delete()
    Job.unscoped.filter(pk=job.pk).update(status="running", finished_at=None,
                                          lease_expires_at=timezone.now() - timedelta(1))
    job_retries_exhausted({"args": [str(job.pk)]}, {"retries": 8})
    job.refresh_from_db()
    assert job.status == "partially_succeeded" and job.assets.count() == 2


def test_exhausted_retries_do_not_touch_a_finished_job(submit):
    job = submit()
    run_job(job.pk)
    job_retries_exhausted({"args": [str(job.pk)]}, {"retries": 8})
    job.refresh_from_db()
    assert job.status == "succeeded" and not job.error_code


def test_a_job_whose_model_left_the_catalog_fails_with_a_reason(submit):
    job = submit()
    Job.unscoped.filter(pk=job.pk).update(model_key="retired-model")
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.error_code == "unknown_model"
